package sec.inference;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sec.inference.audio.PcmAudio;
import sec.inference.audio.WavReader;
import sec.inference.decode.SpeculationConfig;
import sec.inference.decode.offline.CaptionResult;

/**
 * Noise, silence and tones get no emotion caption: sox-made recordings (test resources
 * nonspeech/, see make.sh there) and alsa-utils' Noise.wav where it is installed. Speech still is
 * captioned, at the model rate and resampled from 16 kHz.
 */
class NoSpeechTest {
    private static final Path ALSA_NOISE = Path.of("/usr/share/sounds/alsa/Noise.wav");
    private static CaptionEngine engine;

    @BeforeAll
    static void load() {
        engine = new CaptionEngine(TestModels.bundle(), SpeculationConfig.defaults().withMode(SpeculationConfig.Mode.UGSD),
                CaptionEngine.Network.none());
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    static List<Path> nonSpeech() throws IOException, URISyntaxException {
        Path dir = Path.of(NoSpeechTest.class.getResource("/nonspeech").toURI());
        List<Path> out = new ArrayList<>();
        try (var files = Files.list(dir)) {
            files.filter(p -> p.toString().endsWith(".wav")).sorted().forEach(out::add);
        }
        if (Files.isRegularFile(ALSA_NOISE)) {
            out.add(ALSA_NOISE);
        }
        return out;
    }

    @Test
    void noiseSilenceAndTonesAreNotCaptioned() throws Exception {
        List<Path> files = nonSpeech();
        assertTrue(files.size() >= 11, "the sox recordings are there: " + files);
        for (Path f : files) {
            Optional<CaptionResult> r = engine.caption(f, "en", 0);
            assertFalse(r.isPresent(), f.getFileName() + " was captioned: " + r.map(CaptionResult::text).orElse(""));
        }
    }

    @Test
    void speechIsCaptionedAtTheModelRateAndResampled(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        for (String lang : List.of("en", "zh")) {
            for (TestModels.HeldOut h : TestModels.heldOut(lang, 5)) {
                assertTrue(engine.caption(h.wav(), lang, 0).isPresent(), h.wav() + " is speech");
            }
        }
        PcmAudio speech = WavReader.read(TestModels.heldOut("en", 1).get(0).wav());
        float[] x = speech.channel(0);
        float[] up = new float[2 * x.length]; // 16 kHz by linear interpolation
        for (int i = 0; i < up.length; i++) {
            int j = i / 2;
            up[i] = i % 2 == 0 || j + 1 >= x.length ? x[j] : 0.5f * (x[j] + x[j + 1]);
        }
        Path wide = tmp.resolve("wideband.wav");
        Files.write(wide, CaptionEngineErrorsTest.pcm16Wav(16000, up));
        assertTrue(engine.caption(wide, "en", 0).isPresent(), "16 kHz speech is resampled and captioned");
    }
}
