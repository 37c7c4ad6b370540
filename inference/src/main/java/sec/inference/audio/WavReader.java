package sec.inference.audio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * RIFF/WAVE parsing: PCM16 (tag 1), A-law (tag 6), mu-law (tag 7) and WAVE_FORMAT_EXTENSIBLE
 * (0xFFFE) wrapping one of those, any channel count. Unknown chunks (fact, LIST, cue ...) are
 * skipped, honouring the pad byte after odd-sized chunks. Everything wrong with a file surfaces as
 * an {@link InvalidAudioException} naming the file, never as an index exception.
 */
public final class WavReader {

    private static final int TAG_PCM = 1;
    private static final int TAG_ALAW = 6;
    private static final int TAG_MULAW = 7;
    private static final int TAG_EXTENSIBLE = 0xFFFE;
    /** Bytes 2..15 of every KSDATAFORMAT_SUBTYPE_* GUID whose first two bytes are a format tag. */
    private static final byte[] GUID_SUFFIX = {
        0x00, 0x00, 0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00, (byte) 0xAA, 0x00, 0x38, (byte) 0x9B, 0x71};
    /** Streaming writers put this in the data size when the length was unknown. */
    private static final long UNKNOWN_SIZE = 0xFFFFFFFFL;

    private WavReader() {
    }

    /** The format a WAV file declares, after unwrapping WAVE_FORMAT_EXTENSIBLE. */
    public record Format(AudioEncoding encoding, int channels, int sampleRate) {
    }

    /** Reads a WAV file; errors name the file (not the full path, which may be private). */
    public static PcmAudio read(Path path) throws IOException {
        return read(Files.readAllBytes(path), String.valueOf(path.getFileName()));
    }

    /** Parses WAV bytes; {@code source} names them in error messages. */
    public static PcmAudio read(byte[] bytes, String source) {
        Parsed p = parse(bytes, source);
        float[][] channels = PcmCodec.decodeInterleaved(bytes, p.dataOffset, p.dataLength,
                p.format.encoding(), p.format.channels(), source);
        return new PcmAudio(p.format.sampleRate(), channels);
    }

    /** Only the declared format (still checks that the file is complete and has samples). */
    public static Format format(byte[] bytes, String source) {
        return parse(bytes, source).format;
    }

    private record Parsed(Format format, int dataOffset, int dataLength) {
    }

    private static Parsed parse(byte[] b, String source) {
        int n = b.length;
        if (n >= 4 && n < 12 && id(b, 0).equals("RIFF")) {
            throw new InvalidAudioException(source, "truncated RIFF header (" + n + " bytes)");
        }
        if (n < 12 || !id(b, 0).equals("RIFF") || !id(b, 8).equals("WAVE")) {
            throw new InvalidAudioException(source, "not a RIFF/WAVE file");
        }
        int fmtOffset = -1;
        int fmtSize = 0;
        int dataOffset = -1;
        long dataLength = 0;
        long pos = 12;
        while (pos < n) {
            int at = (int) pos;
            if (n - at < 8) {
                if (fmtOffset >= 0 && dataOffset >= 0) {
                    break; // a few stray trailing bytes after complete audio are harmless
                }
                throw new InvalidAudioException(source, "truncated chunk header at byte " + at);
            }
            String id = id(b, at);
            long size = u32(b, at + 4);
            long available = n - (at + 8L);
            switch (id) {
                case "fmt " -> {
                    if (size > available) {
                        throw new InvalidAudioException(source, "truncated fmt chunk (declares " + size
                                + " bytes, " + available + " present)");
                    }
                    if (fmtOffset < 0) {
                        fmtOffset = at + 8;
                        fmtSize = (int) size;
                    }
                }
                case "data" -> {
                    if (size > available) {
                        if (size != UNKNOWN_SIZE) {
                            throw new InvalidAudioException(source, "truncated data chunk (declares " + size
                                    + " bytes, " + available + " present)");
                        }
                        size = available;
                    }
                    if (dataOffset < 0) {
                        dataOffset = at + 8;
                        dataLength = size;
                    }
                }
                default -> {
                    if (size > available) {
                        if (fmtOffset >= 0 && dataOffset >= 0) {
                            pos = n; // a cut-off trailing metadata chunk (LIST ...) does not hurt the audio
                            continue;
                        }
                        throw new InvalidAudioException(source, "truncated '" + printable(id)
                                + "' chunk (declares " + size + " bytes, " + available + " present)");
                    }
                }
            }
            pos = at + 8L + size + (size & 1);
        }
        if (fmtOffset < 0) {
            throw new InvalidAudioException(source, "missing fmt chunk");
        }
        if (dataOffset < 0) {
            throw new InvalidAudioException(source, "missing data chunk");
        }
        Format format = parseFormat(b, fmtOffset, fmtSize, source);
        if (dataLength == 0) {
            throw new InvalidAudioException(source, "no audio samples");
        }
        int block = format.channels() * format.encoding().bytesPerSample();
        if (dataLength % block != 0) {
            throw new InvalidAudioException(source, "data chunk of " + dataLength
                    + " bytes is not a whole number of " + block + "-byte sample frames");
        }
        return new Parsed(format, dataOffset, (int) dataLength);
    }

    private static Format parseFormat(byte[] b, int off, int size, String source) {
        if (size < 16) {
            throw new InvalidAudioException(source, "fmt chunk too short (" + size + " bytes)");
        }
        int tag = u16(b, off);
        int channels = u16(b, off + 2);
        long rate = u32(b, off + 4);
        int bits = u16(b, off + 14);
        String described = "format tag " + tag;
        if (tag == TAG_EXTENSIBLE) {
            // cbSize (2) + valid bits (2) + channel mask (4) + subformat GUID (16) follow the 16 bytes
            if (size < 40 || u16(b, off + 16) < 22) {
                throw new InvalidAudioException(source, "WAVE_FORMAT_EXTENSIBLE fmt chunk too short ("
                        + size + " bytes)");
            }
            int sub = u16(b, off + 24);
            for (int i = 0; i < GUID_SUFFIX.length; i++) {
                if (b[off + 26 + i] != GUID_SUFFIX[i]) {
                    throw new InvalidAudioException(source, "unsupported WAV encoding (extensible subformat"
                            + " GUID is not a standard format tag)");
                }
            }
            tag = sub;
            described = "extensible subformat " + sub;
        }
        AudioEncoding encoding;
        if (tag == TAG_PCM && bits == 16) {
            encoding = AudioEncoding.PCM16LE;
        } else if (tag == TAG_MULAW && bits == 8) {
            encoding = AudioEncoding.MULAW;
        } else if (tag == TAG_ALAW && bits == 8) {
            encoding = AudioEncoding.ALAW;
        } else {
            throw new InvalidAudioException(source, "unsupported WAV encoding (" + described + ", "
                    + bits + " bits)");
        }
        if (channels == 0) {
            throw new InvalidAudioException(source, "fmt chunk declares zero channels");
        }
        if (rate == 0 || rate > Integer.MAX_VALUE) {
            throw new InvalidAudioException(source, "invalid sample rate " + rate);
        }
        return new Format(encoding, channels, (int) rate);
    }

    private static String id(byte[] b, int off) {
        return new String(b, off, 4, StandardCharsets.ISO_8859_1);
    }

    private static String printable(String id) {
        StringBuilder sb = new StringBuilder();
        for (char c : id.toCharArray()) {
            sb.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return sb.toString();
    }

    private static int u16(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }

    private static long u32(byte[] b, int off) {
        return (b[off] & 0xFFL) | (b[off + 1] & 0xFFL) << 8 | (b[off + 2] & 0xFFL) << 16 | (b[off + 3] & 0xFFL) << 24;
    }
}
