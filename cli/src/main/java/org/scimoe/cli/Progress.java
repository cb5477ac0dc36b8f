package org.scimoe.cli;

import java.io.PrintStream;
import java.util.function.LongConsumer;

/** A one-line progress bar on stderr: done/total, docs/s and ETA, redrawn at most four times a second. */
final class Progress implements LongConsumer {
    private final PrintStream out;
    private final long total;
    private final long start = System.nanoTime();
    private long done;
    private long lastPrint;
    private boolean lineOpen;

    Progress(PrintStream out, long total) {
        this.out = out;
        this.total = total;
    }

    @Override
    public void accept(long count) {
        done += count;
        long now = System.nanoTime();
        if (now - lastPrint < 250_000_000L && done < total) {
            return;
        }
        lastPrint = now;
        double seconds = (now - start) / 1e9;
        double rate = done / Math.max(seconds, 1e-9);
        int width = 30;
        int filled = total == 0 ? width : (int) Math.min(width, width * done / total);
        long eta = rate > 0 ? Math.round((total - done) / rate) : 0;
        out.printf("\r[%s%s] %d/%d docs  %.1f docs/s  ETA %ds ", "#".repeat(filled), " ".repeat(width - filled), done, total, rate, eta);
        lineOpen = done < total;
        if (!lineOpen) {
            out.println();
        }
        out.flush();
    }

    /** Documents reported so far. */
    long done() {
        return done;
    }

    /** Ends an unfinished bar's line (e.g. when some documents were skipped), so later output starts clean. */
    void finish() {
        if (lineOpen) {
            out.println();
            out.flush();
            lineOpen = false;
        }
    }
}
