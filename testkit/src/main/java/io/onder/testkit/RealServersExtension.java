package io.onder.testkit;

import io.onder.stack.LocalStack;
import io.onder.stack.Server;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/** The JUnit 5 side of {@link RealServers}. */
public final class RealServersExtension implements BeforeAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create("io.onder.testkit");

  static SharedStack shared(ExtensionContext context) {
    return context.getRoot().getStore(NS).getOrComputeIfAbsent("stack", k -> new SharedStack(), SharedStack.class);
  }

  private static Set<Server> wanted(ExtensionContext context) {
    RealServers a = context.getRequiredTestClass().getAnnotation(RealServers.class);
    return a == null ? EnumSet.noneOf(Server.class) : EnumSet.of(a.value()[0], a.value());
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    shared(context).ensure(wanted(context));
  }

  @Override
  public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
    Class<?> t = pc.getParameter().getType();
    return t == TestKafka.class || t == TestCassandra.class || t == TestFlink.class || t == TestAnvil.class || t == LocalStack.class;
  }

  @Override
  public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
    SharedStack shared = shared(ec);
    Class<?> t = pc.getParameter().getType();
    Server needed = t == TestKafka.class ? Server.KAFKA : t == TestCassandra.class ? Server.CASSANDRA
        : t == TestFlink.class ? Server.FLINK : t == TestAnvil.class ? Server.ANVIL : null;
    if (needed != null && !wanted(ec).contains(needed)) {
      throw new ParameterResolutionException(t.getSimpleName() + " needs @RealServers to name " + needed);
    }
    if (needed != null) shared.ensure(EnumSet.of(needed)); // restarts a server a failure test left dead
    LocalStack stack = shared.stack();
    if (t == TestKafka.class) return new TestKafka(stack.kafka());
    if (t == TestCassandra.class) return new TestCassandra(stack.cassandra());
    if (t == TestFlink.class) return new TestFlink(stack.flink());
    if (t == TestAnvil.class) return new TestAnvil(stack.anvil());
    return stack;
  }
}
