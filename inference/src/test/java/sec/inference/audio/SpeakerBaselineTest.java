package sec.inference.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class SpeakerBaselineTest {

    private static double[] stats(double f0, double level, boolean voiced) {
        double[] s = new double[ProsodyFeatures.UTTERANCE_DIM];
        s[ProsodyFeatures.F0_MEDIAN] = voiced ? f0 : 0.0;
        s[ProsodyFeatures.F0_SPREAD] = voiced ? f0 / 2 : 0.0; // a spread of its own, so a mix-up shows
        s[ProsodyFeatures.LEVEL] = level;
        s[ProsodyFeatures.ENERGY_P90] = level + 3; // not the baseline's level
        s[ProsodyFeatures.VOICED] = voiced ? 1.0 : 0.0;
        return s;
    }

    private static byte[] bytes(SpeakerBaseline b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        b.write(new DataOutputStream(out));
        return out.toByteArray();
    }

    private static SpeakerBaseline read(byte[] data) throws IOException {
        return SpeakerBaseline.read(new DataInputStream(new ByteArrayInputStream(data)));
    }

    @Test
    void emptyHasNoValue() {
        SpeakerBaseline b = new SpeakerBaseline();
        assertNull(b.value());
        assertEquals(0, b.utterances());
    }

    @Test
    void anUtteranceIsHeardAgainstTheBaselineBeforeIt() {
        SpeakerBaseline b = new SpeakerBaseline();
        assertNull(b.hear(new Prosody(stats(4.0, -20.0, true), new float[0][2])), "a speaker's first utterance has none");
        assertEquals(new SpeakerBaseline.Value(4.0, -20.0, 2.0), b.hear(new Prosody(stats(10.0, -26.0, true), new float[0][2])));
        assertEquals(new SpeakerBaseline.Value(7.0, -23.0, 3.5), b.value(), "and then it joins the baseline");
    }

    @Test
    void keepsRunningMeans() {
        SpeakerBaseline b = new SpeakerBaseline();
        b.add(stats(4.0, -20.0, true));
        assertEquals(new SpeakerBaseline.Value(4.0, -20.0, 2.0), b.value());
        b.add(stats(10.0, -26.0, true));
        b.add(stats(7.0, -17.0, true));
        assertEquals(3, b.utterances());
        assertEquals(7.0, b.value().f0(), 1e-12);
        assertEquals(-21.0, b.value().level(), 1e-12);
        assertEquals(3.5, b.value().spread(), 1e-12);
    }

    @Test
    void pitchSkipsUnvoicedUtterancesAndLevelDoesNot() {
        SpeakerBaseline b = new SpeakerBaseline();
        b.add(stats(0.0, -30.0, false));
        assertNull(b.value().f0());
        assertNull(b.value().spread());
        assertEquals(-30.0, b.value().level());
        b.add(stats(6.0, -20.0, true));
        b.add(stats(99.0, -22.0, false));
        // the f0_median of an unvoiced utterance is not counted, even where it is set
        double[] odd = stats(0, -22.0, false);
        odd[ProsodyFeatures.F0_MEDIAN] = 99.0;
        b.add(odd);
        assertEquals(6.0, b.value().f0());
        assertEquals(3.0, b.value().spread(), "the spread, like the pitch, only of the voiced utterance");
        assertEquals(-23.5, b.value().level(), 1e-12);
        assertEquals(4, b.utterances());
        assertEquals(1, b.voicedUtterances());
    }

    @Test
    void takesTheFullVectorAndAProsody() {
        SpeakerBaseline a = new SpeakerBaseline();
        a.add(ProsodyFeatures.withBaseline(stats(5.0, -18.0, true), new SpeakerBaseline.Value(1.0, -1.0, 1.0)));
        SpeakerBaseline b = new SpeakerBaseline();
        b.add(new Prosody(stats(5.0, -18.0, true), new float[0][2]));
        assertEquals(a, b);
        assertEquals(new SpeakerBaseline.Value(5.0, -18.0, 2.5), b.value());
        assertThrows(IllegalArgumentException.class, () -> b.add(new double[5]));
    }

    @Test
    void feedsWithBaselineAsPythonDoes() {
        // prosody.with_baseline(stats, baseline.value()) for the second utterance of a speaker
        SpeakerBaseline b = new SpeakerBaseline();
        b.add(stats(4.0, -20.0, true));
        double[] v = ProsodyFeatures.withBaseline(stats(6.5, -23.0, true), b.value());
        assertEquals(1.0, v[ProsodyFeatures.HAS_BASELINE]);
        assertEquals(2.5, v[ProsodyFeatures.F0_VS_BASELINE]);
        assertEquals(-3.0, v[ProsodyFeatures.LEVEL_VS_BASELINE]);
        assertEquals(3.25 - 2.0, v[ProsodyFeatures.SPREAD_VS_BASELINE]);
    }

    @Test
    void writeReadRoundTrip() throws IOException {
        SpeakerBaseline b = new SpeakerBaseline();
        assertEquals(b, read(bytes(b)));
        b.add(stats(3.25, -19.5, true));
        b.add(stats(0.0, -40.125, false));
        byte[] data = bytes(b);
        assertEquals(40, data.length);
        SpeakerBaseline back = read(data);
        assertEquals(b, back);
        assertEquals(b.value(), back.value());
        assertEquals(b.utterances(), back.utterances());
        back.add(stats(1.0, -10.0, true)); // and it keeps counting
        assertEquals(3, back.utterances());
        assertEquals((3.25 + 1.0) / 2, back.value().f0(), 1e-12);
        assertEquals((3.25 / 2 + 0.5) / 2, back.value().spread(), 1e-12);
    }

    @Test
    void readsTheLayoutFromBeforeTheSpreadWasKept() throws IOException {
        // what a savepoint of the previous release holds: utterances, voiced, f0 sum, level sum
        ByteArrayOutputStream old = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(old);
        out.writeInt(3);
        out.writeInt(2);
        out.writeDouble(10.0);
        out.writeDouble(-60.0);
        SpeakerBaseline b = read(old.toByteArray());
        assertEquals(new SpeakerBaseline.Value(5.0, -20.0, null), b.value(), "pitch and level kept, no spread yet");
        b.add(stats(8.0, -20.0, true));
        assertEquals(6.0, b.value().f0(), 1e-12);
        assertEquals(4.0, b.value().spread(), 1e-12, "the spread counts from the first utterance after the restore");
        assertEquals(b, read(bytes(b)), "and it is written in the current layout");
    }

    @Test
    void readRejectsImpossibleCounts() {
        byte[] data = new byte[24];
        data[3] = 1; // 1 utterance
        data[7] = 2; // 2 of them voiced
        assertThrows(IOException.class, () -> read(data));
        assertThrows(IOException.class, () -> read(new byte[10]));
        byte[] unknown = new byte[40];
        unknown[0] = (byte) 0xff;
        unknown[1] = (byte) 0xff;
        unknown[2] = (byte) 0xff;
        unknown[3] = (byte) 0xf0; // a negative mark that is not a layout
        assertThrows(IOException.class, () -> read(unknown));
    }

    @Test
    void equalsComparesTheSums() {
        SpeakerBaseline a = new SpeakerBaseline();
        SpeakerBaseline b = new SpeakerBaseline();
        assertEquals(a, b);
        a.add(stats(2.0, -20.0, true));
        assertNotEquals(a, b);
        b.add(stats(2.0, -20.0, true));
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        SpeakerBaseline c = a.copy();
        assertEquals(a, c);
        c.add(stats(2.0, -20.0, false));
        assertNotEquals(a, c);
        assertEquals(1, a.utterances());
        SpeakerBaseline d = new SpeakerBaseline();
        d.add(stats(2.0, -21.0, true));
        assertNotEquals(a, d);
        assertNotEquals(a, null);
    }
}
