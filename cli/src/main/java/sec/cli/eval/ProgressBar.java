package sec.cli.eval;

import java.io.PrintWriter;
import java.util.Locale;

/** A one-line progress bar on stderr: done/total, what runs now, and the time left at this pace. */
final class ProgressBar {
    private static final int WIDTH = 30;
    private final PrintWriter err;
    private final int total;
    private final long start = System.nanoTime();
    private int done;
    private long lastDraw;

    ProgressBar(PrintWriter err, int total) {
        this.err = err;
        this.total = total;
    }

    void step(String what) {
        done++;
        long now = System.nanoTime();
        if (now - lastDraw < 200_000_000L && done < total) {
            return; // redraw at most five times a second
        }
        lastDraw = now;
        double seconds = (now - start) / 1e9;
        long left = Math.round(seconds / done * (total - done));
        int filled = (int) ((long) WIDTH * done / total);
        err.printf(Locale.ROOT, "\r[%s%s] %d/%d %-22s %dm%02ds left ", "=".repeat(filled), " ".repeat(WIDTH - filled), done,
                total, what, left / 60, left % 60);
        err.flush();
    }

    void done() {
        err.println();
        err.flush();
    }
}
