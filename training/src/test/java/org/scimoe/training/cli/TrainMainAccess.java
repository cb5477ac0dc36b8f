package org.scimoe.training.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/** Runs the training command line in-process with captured output, as a user would run it. */
public final class TrainMainAccess {
    private TrainMainAccess() {}

    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = TrainMain.commandLine();
        cl.setOut(out);
        cl.setErr(err);
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }
}
