package org.scimoe.cli;

import org.scimoe.ScimoeException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The `scimoe` command line. Errors the engine explains are printed as one line, not a stack trace. */
@Command(name = "scimoe", mixinStandardHelpOptions = true, version = "scimoe 0.1.0",
        description = "Embed and search scientific abstracts with (Mixture-of-Experts) encoders, in an embedded Lucene index.",
        subcommands = {ModelsCommand.class, ImportCommand.class, IndexCommand.class, SearchCommand.class, EmbedCommand.class, EvalCommand.class, DemoCommand.class, BenchCommand.class})
public final class Main {
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, line, parse) -> {
            if (e instanceof ScimoeException) {
                line.getErr().println("error: " + e.getMessage());
                line.getErr().flush();
                return 2;
            }
            throw e;
        });
        return cl;
    }
}
