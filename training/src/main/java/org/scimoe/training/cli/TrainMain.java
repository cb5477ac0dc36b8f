package org.scimoe.training.cli;

import org.scimoe.ScimoeException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The `scimoe-train` command line: pairs, train, eval, export. Errors the code explains print as one line. */
@Command(name = "scimoe-train", mixinStandardHelpOptions = true, version = "scimoe-train 0.1.0",
        description = "Build co-citation pairs, train Mixture-of-Experts encoders, evaluate them and export bundles.",
        subcommands = {PairsCommand.class, TrainCommand.class, PairEvalCommand.class, ExportCommand.class, ReportCommand.class, MoeCostCommand.class})
public final class TrainMain {
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new TrainMain());
        cl.setExecutionExceptionHandler((e, line, parse) -> {
            if (e instanceof ScimoeException || e instanceof IllegalArgumentException) {
                line.getErr().println("error: " + e.getMessage());
                line.getErr().flush();
                return 2;
            }
            throw e;
        });
        return cl;
    }
}
