package sec.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import sec.schemas.Channel;
import sec.schemas.EmotionAlert;
import sec.schemas.EmotionCaption;
import sec.schemas.Provenance;

class EmotionAlerterTest {
    private static KeyedOneInputStreamOperatorTestHarness<String, EmotionCaption, EmotionAlert> harness(String rules) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new EmotionAlerter(AlertRule.parse(rules))),
                EmotionCaption::getCallId, Types.STRING);
        h.open();
        return h;
    }

    private static EmotionCaption caption(String call, Channel ch, long endMs, String emotion) {
        return EmotionCaption.newBuilder().setCallId(call).setUtteranceId(call + "/" + ch + "/" + endMs).setChannel(ch)
                .setStartMs(endMs - 1000).setEndMs(endMs).setLanguage("en").setText("…").setTokenIds(List.of(1))
                .setProvenance(List.of(Provenance.EDGE)).setEmotion(emotion).setFinal$(true).setDrafted(1).setSent(0)
                .setAccepted(0).setCorrected(0).setCaptionLatencyMs(1).setDrafterModelId("m").build();
    }

    @Test
    void theCustomerAngryTwiceInARowAlertsOncePerStreak() throws Exception {
        try (var h = harness(AlertRule.DEFAULTS)) {
            h.processElement(caption("c1", Channel.CUSTOMER, 1_000, "angry"), 0);
            h.processElement(caption("c1", Channel.AGENT, 2_000, "angry"), 0); // the agent's turn does not count
            assertEquals(0, h.extractOutputValues().size());
            h.processElement(caption("c1", Channel.CUSTOMER, 3_000, "frustrated"), 0);
            h.processElement(caption("c1", Channel.CUSTOMER, 4_000, "angry"), 0); // same streak: no second alert
            h.processElement(caption("c2", Channel.CUSTOMER, 4_000, "angry"), 0); // another call: its own streak
            List<EmotionAlert> alerts = h.extractOutputValues();
            assertEquals(1, alerts.size(), alerts.toString());
            EmotionAlert a = alerts.get(0);
            assertEquals("customer-angry", a.getRule());
            assertEquals("c1/CUSTOMER/3000", a.getUtteranceId());
            assertEquals(Channel.CUSTOMER, a.getChannel());
            h.processElement(caption("c1", Channel.CUSTOMER, 5_000, "calm"), 0); // the streak breaks
            h.processElement(caption("c1", Channel.CUSTOMER, 6_000, "angry"), 0);
            h.processElement(caption("c1", Channel.CUSTOMER, 7_000, "angry"), 0);
            assertEquals(2, h.extractOutputValues().stream().filter(x -> x.getRule().equals("customer-angry")).count());
        }
    }

    @Test
    void calmToAngerOnOneChannelWithinTheWindow() throws Exception {
        try (var h = harness("calm-to-anger: channel=ANY from=calm to=angry within-ms=30000")) {
            h.processElement(caption("c1", Channel.AGENT, 1_000, "calm"), 0);
            h.processElement(caption("c1", Channel.CUSTOMER, 5_000, "angry"), 0); // other channel: no
            h.processElement(caption("c1", Channel.AGENT, 40_000, "angry"), 0); // 39 s later: too late
            assertEquals(0, h.extractOutputValues().size());
            h.processElement(caption("c1", Channel.AGENT, 50_000, "calm"), 0);
            h.processElement(caption("c1", Channel.AGENT, 60_000, "angry"), 0);
            List<EmotionAlert> alerts = h.extractOutputValues();
            assertEquals(1, alerts.size());
            assertTrue(alerts.get(0).getMessage().contains("within 10000 ms"), alerts.get(0).getMessage());
        }
    }

    @Test
    void aStreakSurvivesARestore() throws Exception {
        org.apache.flink.runtime.checkpoint.OperatorSubtaskState snapshot;
        try (var h = harness(AlertRule.DEFAULTS)) {
            h.processElement(caption("c1", Channel.CUSTOMER, 1_000, "angry"), 0);
            snapshot = h.snapshot(1, 1);
        }
        var restored = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(
                new EmotionAlerter(AlertRule.parse(AlertRule.DEFAULTS))), EmotionCaption::getCallId, Types.STRING);
        restored.initializeState(snapshot);
        restored.open();
        restored.processElement(caption("c1", Channel.CUSTOMER, 2_000, "angry"), 0);
        assertEquals(1, restored.extractOutputValues().size(), "the second angry caption completes the streak");
        restored.close();
    }

    /**
     * Under pipelined drafting a caption that waits on the cloud comes out after the next utterance's:
     * the rules read the captions in the order they were spoken, and a late one fills its place.
     */
    @Test
    void captionsFinishedOutOfOrderCountInTheOrderTheyWereSpoken() throws Exception {
        try (var h = harness(AlertRule.DEFAULTS)) {
            h.processElement(caption("c1", Channel.CUSTOMER, 17_000, "angry"), 0);
            h.processElement(caption("c1", Channel.CUSTOMER, 3_000, "neutral"), 0);
            assertEquals(0, h.extractOutputValues().size());
            h.processElement(caption("c1", Channel.CUSTOMER, 10_000, "frustrated"), 0); // spoken between the two
            List<EmotionAlert> alerts = h.extractOutputValues();
            assertEquals(1, alerts.size(), alerts.toString());
            assertEquals("customer-angry", alerts.get(0).getRule());
            assertEquals("c1/CUSTOMER/10000", alerts.get(0).getUtteranceId());
            assertTrue(alerts.get(0).getMessage().contains("2 consecutive"), alerts.get(0).getMessage());
            h.processElement(caption("c1", Channel.CUSTOMER, 24_000, "frustrated"), 0); // the same streak, longer
            h.processElement(caption("c1", Channel.CUSTOMER, 6_000, "angry"), 0);     // late, the same streak too
            assertEquals(1, h.extractOutputValues().size(), h.extractOutputValues().toString());
        }
        try (var h = harness(AlertRule.DEFAULTS)) {
            h.processElement(caption("c1", Channel.CUSTOMER, 1_000, "frustrated"), 0);
            h.processElement(caption("c1", Channel.CUSTOMER, 5_000, "frustrated"), 0); // adjacent as far as is known
            h.processElement(caption("c1", Channel.CUSTOMER, 2_000, "neutral"), 0);    // late, spoken between them
            h.processElement(caption("c1", Channel.CUSTOMER, 3_000, "calm"), 0);
            assertEquals(1, h.extractOutputValues().size(), "an alert, once fired, stays fired");
        }
    }

    @Test
    void aLateCalmCaptionCompletesATransitionToTheAngerAfterIt() throws Exception {
        try (var h = harness("calm-to-anger: channel=ANY from=calm to=angry within-ms=30000")) {
            h.processElement(caption("c1", Channel.AGENT, 10_000, "angry"), 0);
            assertEquals(0, h.extractOutputValues().size());
            h.processElement(caption("c1", Channel.AGENT, 5_000, "calm"), 0);
            List<EmotionAlert> alerts = h.extractOutputValues();
            assertEquals(1, alerts.size(), alerts.toString());
            assertEquals("c1/AGENT/10000", alerts.get(0).getUtteranceId());
            assertTrue(alerts.get(0).getMessage().contains("within 5000 ms"), alerts.get(0).getMessage());
            h.processElement(caption("c1", Channel.AGENT, 12_000, "angry"), 0); // the calm is used up
            assertEquals(1, h.extractOutputValues().size());
        }
    }

    @Test
    void aLongCallKeepsABoundedHistory() throws Exception {
        try (var h = harness(AlertRule.DEFAULTS)) {
            for (int i = 1; i <= 200; i++) {
                h.processElement(caption("c1", i % 2 == 0 ? Channel.AGENT : Channel.CUSTOMER, i * 1_000L, "neutral"), 0);
            }
            var backend = h.getOperator().getKeyedStateBackend();
            backend.setCurrentKey("c1");
            var history = backend.getPartitionedState(org.apache.flink.runtime.state.VoidNamespace.INSTANCE,
                    org.apache.flink.runtime.state.VoidNamespaceSerializer.INSTANCE, EmotionAlerter.history());
            int kept = 0;
            for (var ignored : history.keys()) {
                kept++;
            }
            assertEquals(2 * EmotionAlerter.HISTORY, kept, "each channel's last captions");
            h.processElement(caption("c1", Channel.CUSTOMER, 300_000, "sad"), 0);
            h.processElement(caption("c1", Channel.CUSTOMER, 301_000, "anxious"), 0);
            assertEquals(1, h.extractOutputValues().size(), "the rules still see the latest captions");
        }
    }

    @Test
    void aRuleThatCannotBeReadNamesItself() {
        var e = assertThrows(IllegalArgumentException.class, () -> AlertRule.parse("loud: channel=CUSTOMER emotion=angry volume=9"));
        assertEquals("alerts.rules: 'loud: channel=CUSTOMER emotion=angry volume=9': unknown key(s) [volume]", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AlertRule.parse("x: channel=BOSS emotion=angry"));
        assertEquals(3, AlertRule.parse(AlertRule.DEFAULTS).size());
    }
}
