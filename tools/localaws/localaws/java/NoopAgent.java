package lbp;

import java.lang.instrument.Instrumentation;

/** Stands in for LocalStack's ddb-local-loader javaagent, which it would download from GitHub. */
public final class NoopAgent {
    private NoopAgent() {}

    public static void premain(String args, Instrumentation inst) {}
}
