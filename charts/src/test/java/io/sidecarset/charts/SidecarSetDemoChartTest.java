package io.sidecarset.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.sidecarset.api.SampleProxyContract;
import io.sidecarset.api.v1alpha1.SidecarContainer;
import io.sidecarset.api.v1alpha1.SidecarContainerUpgradeStrategy;
import io.sidecarset.api.v1alpha1.SidecarSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Renders charts/sidecarset-demo: the echo app, and the proxy as a HotUpgrade sidecar of it. */
class SidecarSetDemoChartTest {

  private static final ChartRenderer CHART = ChartRenderer.of("sidecarset-demo");
  private static final String FULLNAME = "scs-sidecarset-demo";
  private static final List<String> LOCAL = List.of("ci/local-values.yaml");

  @Test
  void lint_withDefaultValues_passesStrict() {
    LintResult result = CHART.lint();

    assertThat(result.isFailed()).as("lint messages: %s", result.getMessages()).isFalse();
  }

  @Test
  void sidecarSet_selectsTheAppsPodsInTheReleaseNamespace() {
    RenderedChart chart = CHART.render(LOCAL, Map.of());
    SidecarSet set = sidecarSet(chart);
    Deployment app = chart.get(Deployment.class, FULLNAME);

    assertThat(app.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(set.getSpec().getSelector().getMatchLabels());
    assertThat(set.getSpec().getSelector().getMatchLabels()).isNotEmpty();
    assertThat(set.getSpec().getNamespace()).isEqualTo(ChartRenderer.NAMESPACE);
    assertThat(set.getMetadata().getName()).isEqualTo(FULLNAME + "-proxy");
  }

  @Test
  void proxy_isAHotUpgradeSidecarWithTheEmptyImageInTheSpareSlot() {
    SidecarContainer proxy =
        sidecarSet(CHART.render(LOCAL, Map.of())).getSpec().getContainers().get(0);

    assertThat(proxy.getName()).isEqualTo("proxy");
    assertThat(proxy.getImage()).isEqualTo("sidecarset/sample-proxy:v1");
    assertThat(proxy.getUpgradeStrategy().getUpgradeType())
        .isEqualTo(SidecarContainerUpgradeStrategy.HOT_UPGRADE);
    assertThat(proxy.getUpgradeStrategy().getHotUpgradeEmptyImage())
        .isEqualTo("sidecarset/empty:dev");
    assertThat(proxy.getLifecycle().getPostStart().getExec().getCommand())
        .containsExactly(SampleProxyContract.POST_START_HOOK);
    assertThat(proxy.getEnv())
        .anySatisfy(
            e -> assertThat(e.getName()).isEqualTo(SampleProxyContract.POST_START_TIMEOUT_ENV));
    assertThat(proxy.getReadinessProbe().getHttpGet().getPath())
        .isEqualTo(SampleProxyContract.READY_PATH);
    assertThat(proxy.getReadinessProbe().getHttpGet().getHost()).isEqualTo("127.0.0.1");
    assertThat(proxy.getArgs())
        .containsExactly("proxy", "--listen", "127.0.0.1:15080", "--upstream", "127.0.0.1:15081");
  }

  @Test
  void localMode_appRunsOnTheHostNetworkWithLocalImagesAndOneReplica() {
    RenderedChart chart = CHART.render(LOCAL, Map.of("app.replicas", 3));
    Deployment app = chart.get(Deployment.class, FULLNAME);
    PodSpec pod = app.getSpec().getTemplate().getSpec();
    Container container = pod.getContainers().get(0);

    assertThat(app.getSpec().getReplicas()).isEqualTo(1);
    assertThat(pod.getHostNetwork()).isTrue();
    assertThat(container.getImagePullPolicy()).isEqualTo("Never");
    assertThat(container.getArgs()).containsExactly("echo", "--listen", "127.0.0.1:15081");
    assertThat(sidecarSet(chart).getSpec().getContainers().get(0).getImagePullPolicy())
        .isEqualTo("Never");
    assertThat(chart.all(Service.class)).isEmpty();
  }

  @Test
  void clusterMode_proxyListensOnAllAddressesBehindAService() {
    RenderedChart chart = CHART.render(Map.of());
    Service service = chart.get(Service.class, FULLNAME);

    assertThat(service.getSpec().getPorts().get(0).getTargetPort().getIntVal()).isEqualTo(15080);
    assertThat(sidecarSet(chart).getSpec().getContainers().get(0).getArgs())
        .contains("0.0.0.0:15080");
    assertThat(chart.get(Deployment.class, FULLNAME).getSpec().getReplicas()).isEqualTo(2);
  }

  @Test
  void listenAddress_overridesTheModesDefault() {
    SidecarSet set =
        sidecarSet(CHART.render(LOCAL, Map.of("sidecarSet.proxy.listenAddress", "0.0.0.0")));

    assertThat(set.getSpec().getContainers().get(0).getArgs()).contains("0.0.0.0:15080");
  }

  @Test
  void firstInstallStep_rendersTheSidecarSetWithoutTheApp() {
    RenderedChart chart = CHART.render(LOCAL, Map.of("app.enabled", false));

    assertThat(chart.all(Deployment.class)).isEmpty();
    assertThat(sidecarSet(chart)).isNotNull();
  }

  @Test
  void proxyTag_isTheImageTheRolloutMovesTo() {
    SidecarSet set = sidecarSet(CHART.render(LOCAL, Map.of("sidecarSet.proxy.image.tag", "v2")));

    assertThat(set.getSpec().getContainers().get(0).getImage())
        .isEqualTo("sidecarset/sample-proxy:v2");
  }

  private static SidecarSet sidecarSet(RenderedChart chart) {
    GenericKubernetesResource generic =
        chart.all(GenericKubernetesResource.class).stream()
            .filter(r -> SidecarSet.KIND.equals(r.getKind()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no SidecarSet rendered"));
    assertThat(generic.getApiVersion()).isEqualTo(SidecarSet.API_VERSION);
    return Serialization.unmarshal(Serialization.asJson(generic), SidecarSet.class);
  }
}
