package org.scimoe.cli;

import java.io.PrintStream;
import java.util.function.LongConsumer;

/** A one-line progress bar on stderr: done/total, docs/s and ETA. Quiet when stderr is not a terminal-like stream. */
final class Progress implements LongConsumer {
    private final PrintStream out;
    private final long total;
    private final long start = System.nanoTime();
    private long done;
    private long lastPrint;

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
        if (done >= total) {
            out.println();
        }
        out.flush();
    }
}
