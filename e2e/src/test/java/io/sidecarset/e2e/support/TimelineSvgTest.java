package io.sidecarset.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class TimelineSvgTest {

  private static final List<TimelineSvg.Second> SECONDS =
      List.of(
          new TimelineSvg.Second(0, 600, 0, 1.2),
          new TimelineSvg.Second(1, 598, 2, 3.4),
          new TimelineSvg.Second(2, 600, 0, 1.1));

  @Test
  void render_isWellFormedSvgWithOnePanelEachAndTheUpgradesShaded() throws Exception {
    String svg =
        TimelineSvg.render(
            "hot upgrades <v1 & v2>",
            SECONDS,
            List.of(new TimelineSvg.Window("1: v1→v2", 0.5, 1.8)),
            600);

    Document document = parse(svg);
    assertThat(document.getDocumentElement().getTagName()).isEqualTo("svg");
    assertThat(byClass(document, "rect", "upgrade")).hasSize(1);
    assertThat(byClass(document, "polyline", "ok")).hasSize(1);
    assertThat(byClass(document, "polyline", "p99")).hasSize(1);
    assertThat(byClass(document, "line", "offered")).hasSize(1);
    assertThat(byClass(document, "rect", "dropped")).as("one bar per second with drops").hasSize(1);
    assertThat(svg).contains("hot upgrades &lt;v1 &amp; v2&gt;").contains("2 dropped");
  }

  @Test
  void render_withoutDrops_saysSoInThePicture() {
    String svg =
        TimelineSvg.render("t", List.of(new TimelineSvg.Second(0, 500, 0, 1.0)), List.of(), 500);

    assertThat(svg).contains("0 dropped").doesNotContain("class=\"dropped\"");
  }

  @Test
  void render_ofAnEmptyRun_isStillAPicture() throws Exception {
    assertThat(
            parse(TimelineSvg.render("empty", List.of(), List.of(), 500))
                .getDocumentElement()
                .getTagName())
        .isEqualTo("svg");
  }

  private static Document parse(String svg) throws Exception {
    return DocumentBuilderFactory.newInstance()
        .newDocumentBuilder()
        .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  private static List<Element> byClass(Document document, String tag, String cssClass) {
    NodeList nodes = document.getElementsByTagName(tag);
    List<Element> found = new java.util.ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      Element element = (Element) nodes.item(i);
      if (cssClass.equals(element.getAttribute("class"))) {
        found.add(element);
      }
    }
    return found;
  }
}
