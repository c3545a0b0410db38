package dev.tcptune.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test class against a real kube-apiserver + etcd with every CRD of {@code
 * crds/} installed. One control plane serves the whole test run (JVM), not one per class: classes
 * must use their own object names and clean up what they create.
 *
 * <p>Test methods, constructors and {@code @BeforeAll}/{@code @BeforeEach} methods can take a
 * {@link io.fabric8.kubernetes.client.KubernetesClient} (cluster admin) or a {@link ControlPlane}
 * parameter (kubeconfig, kubectl, clients acting as a ServiceAccount).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(KubeApiServerExtension.class)
public @interface RealApiServer {}
