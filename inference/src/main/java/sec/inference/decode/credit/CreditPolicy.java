package sec.inference.decode.credit;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Credit inertia (E2-SCI) for one call: the acceptance rates of adjacent verified windows are
 * correlated, so the verification threshold follows their smoothed value. Relaxing when the
 * drafter has been right saves round trips; tightening when it has been wrong buys quality back.
 * Moves are damped three ways so that τ does not oscillate: EWMA smoothing, a hysteresis band
 * around the neutral level, and a minimum number of windows between moves. The window length
 * follows the same state (one γ level per move). Plain data, kept in keyed state with the call.
 */
public final class CreditPolicy {
    private final CreditConfig config;
    private final double[] rates;
    private int count;
    private int head;
    private double tau;
    private int level;
    private int sinceMove;
    private int moves;
    private double credit = Double.NaN;

    /** Starts at {@code tau} and the middle γ level (0 = γmin, 1 = γdefault, 2 = γmax). */
    public CreditPolicy(CreditConfig config, double tau) {
        this.config = config;
        this.rates = new double[config.history()];
        this.tau = clamp(tau);
        this.level = 1;
        this.sinceMove = config.refreshWindows();
    }

    public double tau() {
        return tau;
    }

    /** γ level: 0 = γmin, 1 = γdefault, 2 = γmax. */
    public int gammaLevel() {
        return level;
    }

    /** How many times τ or γ moved: a decoder follows γ only when this changes. */
    public int moves() {
        return moves;
    }

    /** Smoothed credit in [0, 1]; NaN before the first window. */
    public double credit() {
        return credit;
    }

    /** A verified window: {@code accepted} of its {@code sent} drafted tokens were accepted. */
    public void onWindow(int accepted, int sent) {
        if (sent <= 0) {
            return;
        }
        double rate = Math.max(0, Math.min(1, (double) accepted / sent));
        rates[head] = rate;
        head = (head + 1) % rates.length;
        count = Math.min(count + 1, rates.length);
        credit = smoothed();
        sinceMove++;
        if (rate < config.fallbackAcceptance()) {
            tau = config.tauFallback(); // safety: a badly wrong window ends any relaxation at once
            level = 0;
            sinceMove = 0;
            moves++;
            return;
        }
        if (sinceMove < config.refreshWindows()) {
            return;
        }
        if (config.table() != null) {
            followTable(config.table());
        } else if (credit > config.neutral() + config.hysteresis()) {
            move(clamp(tau + config.stepUp()), Math.min(2, level + 1));
        } else if (credit < config.neutral() - config.hysteresis()) {
            move(clamp(tau - config.stepDown()), Math.max(0, level - 1));
        }
    }

    /** The table's τ for the credit; hysteresis: not while the credit is within the band of a bucket edge. */
    private void followTable(CreditTable table) {
        double h = config.hysteresis();
        double target = table.tauFor(credit);
        if (table.tauFor(Math.max(0, credit - h)) != target || table.tauFor(Math.min(1, credit + h)) != target) {
            return;
        }
        int newLevel = credit > config.neutral() + h ? 2 : credit < config.neutral() - h ? 0 : 1;
        move(clamp(target), newLevel);
    }

    private void move(double newTau, int newLevel) {
        if (newTau != tau || newLevel != level) {
            tau = newTau;
            level = newLevel;
            sinceMove = 0;
            moves++;
        }
    }

    /** Writes the policy's state (not its settings, which come from the job's configuration). */
    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(1);
        double[] kept = new double[count];
        int oldest = (head - count + rates.length) % rates.length;
        for (int i = 0; i < count; i++) {
            kept[i] = rates[(oldest + i) % rates.length];
        }
        out.writeInt(kept.length);
        for (double r : kept) {
            out.writeDouble(r);
        }
        out.writeDouble(tau);
        out.writeInt(level);
        out.writeInt(sinceMove);
        out.writeInt(moves);
        out.writeDouble(credit);
    }

    /** Reads what {@link #writeTo} wrote, under {@code config} (a shorter history keeps the newest windows). */
    public static CreditPolicy readFrom(DataInput in, CreditConfig config) throws IOException {
        int format = in.readByte();
        if (format != 1) {
            throw new IOException("credit state format " + format + " is not known (this build reads 1)");
        }
        CreditPolicy p = new CreditPolicy(config, config.tauMin());
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            double r = in.readDouble();
            p.rates[p.head] = r;
            p.head = (p.head + 1) % p.rates.length;
            p.count = Math.min(p.count + 1, p.rates.length);
        }
        p.tau = p.clamp(in.readDouble());
        p.level = in.readInt();
        p.sinceMove = in.readInt();
        p.moves = in.readInt();
        p.credit = in.readDouble();
        return p;
    }

    /** EWMA over the windows kept, oldest first: s = β·rate + (1 − β)·s. */
    private double smoothed() {
        int oldest = (head - count + rates.length) % rates.length;
        double s = rates[oldest];
        for (int i = 1; i < count; i++) {
            s = config.beta() * rates[(oldest + i) % rates.length] + (1 - config.beta()) * s;
        }
        return s;
    }

    private double clamp(double t) {
        return Math.max(config.tauMin(), Math.min(config.tauMax(), t));
    }
}
