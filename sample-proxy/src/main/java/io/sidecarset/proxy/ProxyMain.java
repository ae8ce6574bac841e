package io.sidecarset.proxy;

import io.sidecarset.proxy.echo.EchoOptions;
import io.sidecarset.proxy.echo.EchoServer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of the {@code sidecarset/sample-proxy} and {@code sidecarset/demo-app} images and of
 * {@code target/sample-proxy.jar}: {@code proxy ...} runs the sidecar, {@code echo ...} the demo
 * app. Exit codes: 2 for a bad command line or environment, 1 when the proxy can neither take over
 * nor bind.
 */
public final class ProxyMain {

  private static final Logger LOG = LoggerFactory.getLogger(ProxyMain.class);

  private ProxyMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      System.err.print(ProxyOptions.USAGE);
      System.exit(args.length == 0 ? 2 : 0);
    }
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    Map<String, String> env = System.getenv();
    try {
      switch (args[0]) {
        case "proxy" -> {
          ProxyOptions options = ProxyOptions.parse(rest, env);
          RoleDecision role = RoleDecision.fromEnvironment(env);
          System.exit(new ProxyProcess(options, role, env).run());
        }
        case "echo" -> runEcho(EchoOptions.parse(rest));
        default -> throw new UsageException("unknown command '" + args[0] + "' (proxy or echo)");
      }
    } catch (UsageException | IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.print(ProxyOptions.USAGE);
      System.exit(2);
    } catch (IllegalStateException e) {
      // the machine refuses what the flags ask for (e.g. --transport io_uring)
      System.err.println("error: " + e.getMessage());
      System.exit(1);
    }
  }

  private static void runEcho(EchoOptions options) throws InterruptedException {
    Transport transport = Transport.resolve(options.transport());
    EchoServer echo = EchoServer.start(options.listen(), transport, null, options.workers());
    Runtime.getRuntime().addShutdownHook(new Thread(echo::close, "sigterm"));
    LOG.info(
        "echo app pid {} listening on {} ({})",
        ProcessHandle.current().pid(),
        echo.localAddress(),
        transport);
    new CountDownLatch(1).await();
  }
}
