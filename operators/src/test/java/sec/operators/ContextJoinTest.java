package sec.operators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sec.schemas.AcousticContext;
import sec.schemas.VerifyRequest;

class ContextJoinTest {
    private static final long TTL_MS = 60_000;
    private KeyedTwoInputStreamOperatorTestHarness<String, AcousticContext, VerifyRequest, VerifyTask> harness;

    @BeforeEach
    void open() throws Exception {
        harness = new KeyedTwoInputStreamOperatorTestHarness<>(new KeyedCoProcessOperator<>(new ContextJoin(TTL_MS, 2)),
                AcousticContext::getCallId, VerifyRequest::getCallId, Types.STRING);
        harness.setProcessingTime(0);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    static AcousticContext context(String call, String utt, byte fill) {
        byte[] f = new byte[3 * 16];
        java.util.Arrays.fill(f, fill);
        return AcousticContext.newBuilder().setCallId(call).setUtteranceId(utt).setFeatures(ByteBuffer.wrap(f))
                .setSteps(3).setDim(16).setModelId("m").build();
    }

    static VerifyRequest request(String call, String utt, int block) {
        return VerifyRequest.newBuilder().setCallId(call).setUtteranceId(utt).setBlockId(block).setEpoch(block)
                .setPrefixLength(1).setPrefixTokens(List.of(9)).setDraftTokens(List.of(10, 11))
                .setDraftEntropies(List.of(0.5f, 0.7f)).setLanguage("en").setDrafterModelId("m")
                .setVerifierModelId("m").setSentAtMs(0).build();
    }

    @Test
    void requestsJoinTheirUtterancesContextWhicheverComesFirst() throws Exception {
        harness.processElement2(request("c1", "u1", 1), 0);
        assertEquals(0, harness.extractOutputValues().size(), "waits for its context");
        harness.processElement1(context("c1", "u2", (byte) 2), 0);
        harness.processElement1(context("c1", "u1", (byte) 1), 0);
        harness.processElement2(request("c1", "u1", 2), 0);
        harness.processElement2(request("c1", "u2", 1), 0);
        List<VerifyTask> out = harness.extractOutputValues();
        assertEquals(3, out.size());
        assertEquals(1, out.get(0).request.getBlockId());
        assertEquals(1, out.get(0).context[0]);
        assertEquals(2, out.get(1).request.getBlockId());
        assertEquals("u2", out.get(2).request.getUtteranceId());
        assertArrayEquals(new byte[3 * 16], new byte[out.get(2).context.length]);
        assertEquals(2, out.get(2).context[5]);
    }

    @Test
    void waitingIsBoundedAndEverythingExpires() throws Exception {
        for (int b = 0; b < 5; b++) {
            harness.processElement2(request("c1", "lost", b), 0);
        }
        harness.processElement1(context("c1", "other", (byte) 1), 0);
        harness.processElement1(context("c1", "lost", (byte) 1), 0);
        assertEquals(2, harness.extractOutputValues().size(), "at most two requests wait per utterance");
        harness.setProcessingTime(TTL_MS + 1);
        assertEquals(0, harness.numKeyedStateEntries(), "contexts and waiting requests expire");
        assertEquals(0, harness.numProcessingTimeTimers());
    }
}
