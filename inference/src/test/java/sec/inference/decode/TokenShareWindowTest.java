package sec.inference.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TokenShareWindowTest {
    @Test
    void rhoAndAcceptanceOverTheCaptionsOfTheWindow() {
        TokenShareWindow w = new TokenShareWindow(60_000);
        assertFalse(w.rho(0).isPresent(), "nothing drafted yet");
        w.add(0, 100, 20, 10);
        w.add(20_000, 100, 40, 30);
        assertEquals(0.3, w.rho(30_000).getAsDouble(), 1e-12);
        assertEquals(40.0 / 60, w.acceptance(30_000).getAsDouble(), 1e-12);
        assertEquals(0.4, w.rho(70_000).getAsDouble(), 1e-12, "the first caption left the window");
        assertEquals(1, w.size(70_000));
        assertFalse(w.acceptance(200_000).isPresent(), "an empty window has no rate");
        assertEquals(0, w.size(200_000));
    }

    @Test
    void captionsWithNothingSentHaveNoAcceptanceRate() {
        TokenShareWindow w = new TokenShareWindow(1_000);
        w.add(0, 30, 0, 0);
        assertEquals(0.0, w.rho(0).getAsDouble());
        assertFalse(w.acceptance(0).isPresent());
        assertThrows(IllegalArgumentException.class, () -> new TokenShareWindow(0));
    }
}
