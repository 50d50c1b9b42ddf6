package io.onder.testkit;

import io.onder.stack.Server;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives an integration test the real servers it names. They are started once per test JVM through the local-stack
 * launcher (separate processes, own runtime dir, free ports), shared by every test class, and stopped when the run
 * ends, whether tests passed or not. Test methods receive {@link TestKafka}, {@link TestCassandra}, {@link TestFlink},
 * {@link TestAnvil} or the whole {@link io.onder.stack.LocalStack} as parameters; each TestKafka and TestCassandra is
 * isolated (its own topic prefix, its own keyspace).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@ExtendWith(RealServersExtension.class)
public @interface RealServers {
  Server[] value();
}
