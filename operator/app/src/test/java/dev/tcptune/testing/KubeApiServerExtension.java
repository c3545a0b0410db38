package dev.tcptune.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one {@link ControlPlane} per test run and hands it to tests. It lives in the root store of
 * the engine, so JUnit closes it (API server and etcd stopped) when the last test class is done. A
 * failed start is remembered as well: every later class fails at once with the same cause instead
 * of waiting for another start-up timeout.
 */
public final class KubeApiServerExtension implements BeforeAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(KubeApiServerExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    controlPlane(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == KubernetesClient.class || type == ControlPlane.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    ControlPlane controlPlane = controlPlane(context);
    return parameter.getParameter().getType() == ControlPlane.class
        ? controlPlane
        : controlPlane.adminClient();
  }

  /** The control plane of this test run, started on first use. */
  public static ControlPlane controlPlane(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .computeIfAbsent(Started.class, key -> Started.attempt(), Started.class)
        .get();
  }

  /** The outcome of the one start attempt: a running control plane or why it did not start. */
  private static final class Started implements AutoCloseable {
    private final ControlPlane controlPlane;
    private final RuntimeException failure;

    private Started(ControlPlane controlPlane, RuntimeException failure) {
      this.controlPlane = controlPlane;
      this.failure = failure;
    }

    static Started attempt() {
      try {
        return new Started(ControlPlane.start(), null);
      } catch (RuntimeException e) {
        return new Started(null, e);
      }
    }

    ControlPlane get() {
      if (failure != null) {
        throw new IllegalStateException(
            "the test control plane did not start: " + failure.getMessage(), failure);
      }
      return controlPlane;
    }

    @Override
    public void close() {
      if (controlPlane != null) {
        controlPlane.close();
      }
    }
  }
}
