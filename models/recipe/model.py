"""The drafter and the verifier. Hand-written attention (no nn.Transformer fast paths) so that
ONNX export and TorchScript see plain tensor ops with dynamic shapes.

Drafter (edge, ONNX): its own small audio encoder + a small decoder with past key/values.
Context encoder (edge, ONNX, shipped with the drafter): log-mel -> low-rate int8 context, the only
audio-derived data that crosses to the cloud.
Verifier (cloud, TorchScript): extra layers over the dequantised context + a large decoder; scores
prompt + prefix + drafted block in one batched forward pass."""
import math
from typing import List, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

import prosody

NEG = -1e9
MEL_MEAN, MEL_STD = -4.0, 3.0   # fixed normalisation of the raw log-mel, kept inside the models
CONTEXT_DIM = 24          # int8 values per 80 ms frame: 300 bytes per second of audio, 3.75 % of G.711
CONTEXT_SCALE = 127.0
MAX_POSITIONS = 96
PITCH_DIM = 2                 # the per-frame pitch track next to the log-mel (prosody.analyse)
PROSODY_DIM = prosody.DIM     # the utterance's prosody vector with its speaker-baseline part
N_MELS = 40


class ConvStack(nn.Module):
    """Three stride-2 convolutions over the log-mel and the pitch track: 10 ms frames -> 80 ms
    frames, length ceil(n / 8)."""

    def __init__(self, n_mels, channels, out_dim):
        super().__init__()
        self.convs = nn.ModuleList([
            nn.Conv1d(n_mels + PITCH_DIM if i == 0 else channels, channels, 3, stride=2, padding=1)
            for i in range(3)])
        self.norms = nn.ModuleList([nn.LayerNorm(channels) for _ in range(3)])
        self.out = nn.Linear(channels, out_dim)

    def forward(self, mel, pitch):               # mel: [B, F, n_mels] raw log-mel, pitch [B, F, 2]
        x = torch.cat([(mel - MEL_MEAN) / MEL_STD, pitch], dim=2).transpose(1, 2)
        for conv, norm in zip(self.convs, self.norms):
            x = F.gelu(norm(conv(x).transpose(1, 2))).transpose(1, 2)
        return self.out(x.transpose(1, 2))       # [B, T, out_dim]


class ProsodyEmbedding(nn.Module):
    """The utterance's prosody vector, normalised by the training set's statistics (buffers, so they
    travel inside the exported models), to one vector of `out_dim`: the first encoder step."""

    def __init__(self, hidden, out_dim):
        super().__init__()
        self.register_buffer('prosody_mean', torch.zeros(PROSODY_DIM))
        self.register_buffer('prosody_std', torch.ones(PROSODY_DIM))
        self.net = nn.Sequential(nn.Linear(PROSODY_DIM, hidden), nn.GELU(), nn.Linear(hidden, out_dim))

    def forward(self, p):                        # [B, PROSODY_DIM] -> [B, 1, out_dim]
        z = torch.clamp((p - self.prosody_mean) / self.prosody_std, -6.0, 6.0)
        return self.net(z).unsqueeze(1)


class AuxHeads(nn.Module):
    """Training only (never exported): emotion, gender and every caption cue read off the encoder's
    pooled output, so the encoder must carry them and not only the captions' wording."""
    SIZES = {'emotion': 8, 'gender': 2, 'pitch': 3, 'pace': 3, 'loud': 3, 'variation': 3, 'pauses': 2}

    def __init__(self, dim):
        super().__init__()
        self.heads = nn.ModuleDict({k: nn.Linear(dim, n) for k, n in self.SIZES.items()})

    def forward(self, states, mask):             # states [B, T, D], mask [B, T]
        pooled = (states * mask.unsqueeze(2)).sum(1) / mask.sum(1, keepdim=True).clamp(min=1.0)
        return {k: h(pooled) for k, h in self.heads.items()}


def sinusoid(length: int, dim: int, device: torch.device) -> torch.Tensor:
    pos = torch.arange(length, device=device, dtype=torch.float32).unsqueeze(1)
    div = torch.exp(torch.arange(0, dim, 2, device=device, dtype=torch.float32)
                    * (-math.log(10000.0) / dim))
    pe = torch.zeros(length, dim, device=device)
    pe[:, 0::2] = torch.sin(pos * div)
    pe[:, 1::2] = torch.cos(pos * div)
    return pe


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads, self.dh = heads, dim // heads
        self.q, self.k, self.v, self.o = (nn.Linear(dim, dim) for _ in range(4))

    def split(self, x):
        b, n, _ = x.shape
        return x.view(b, n, self.heads, self.dh).transpose(1, 2)

    def attend(self, q, k, v, bias):
        w = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(self.dh) + bias, dim=-1)
        out = (w @ v).transpose(1, 2)
        return self.o(out.reshape(out.shape[0], out.shape[1], -1))


class EncoderLayer(nn.Module):
    def __init__(self, dim, heads, ffn):
        super().__init__()
        self.attn, self.n1 = Attention(dim, heads), nn.LayerNorm(dim)
        self.ff, self.n2 = nn.Sequential(nn.Linear(dim, ffn), nn.GELU(), nn.Linear(ffn, dim)), nn.LayerNorm(dim)

    def forward(self, x, bias):                  # bias: [B, 1, 1, T]
        h = self.n1(x)
        x = x + self.attn.attend(self.attn.split(self.attn.q(h)), self.attn.split(self.attn.k(h)),
                                 self.attn.split(self.attn.v(h)), bias)
        return x + self.ff(self.n2(x))


class DecoderLayer(nn.Module):
    def __init__(self, dim, heads, ffn):
        super().__init__()
        self.self_attn, self.n1 = Attention(dim, heads), nn.LayerNorm(dim)
        self.cross, self.n2 = Attention(dim, heads), nn.LayerNorm(dim)
        self.ff, self.n3 = nn.Sequential(nn.Linear(dim, ffn), nn.GELU(), nn.Linear(ffn, dim)), nn.LayerNorm(dim)

    def forward(self, x, past_k, past_v, self_bias, enc, enc_bias):
        a = self.self_attn
        h = self.n1(x)
        k = torch.cat([past_k, a.split(a.k(h))], dim=2)
        v = torch.cat([past_v, a.split(a.v(h))], dim=2)
        x = x + a.attend(a.split(a.q(h)), k, v, self_bias)
        c = self.cross
        x = x + c.attend(c.split(c.q(self.n2(x))), c.split(c.k(enc)), c.split(c.v(enc)), enc_bias)
        return x + self.ff(self.n3(x)), k, v


def key_bias(mask):
    """[B, N] of 1/0 -> additive bias [B, 1, 1, N]."""
    return ((1.0 - mask) * -1e9).unsqueeze(1).unsqueeze(2)  # NEG, literal for TorchScript


def causal_bias(past: int, new: int, device: torch.device):
    """Query i of the new tokens sees keys 0 .. past + i. [1, 1, new, past + new]."""
    keys = torch.arange(past + new, device=device).unsqueeze(0)
    queries = torch.arange(new, device=device).unsqueeze(1) + past
    return ((keys > queries).float() * -1e9).unsqueeze(0).unsqueeze(0)


def lengths_mask(lengths, n: int):
    return (torch.arange(n, device=lengths.device).unsqueeze(0) < lengths.unsqueeze(1)).float()


class TextDecoder(nn.Module):
    def __init__(self, vocab, dim, heads, layers, ffn):
        super().__init__()
        self.dim, self.heads, self.n_layers = dim, heads, layers
        self.embed = nn.Embedding(vocab, dim)
        self.pos = nn.Embedding(MAX_POSITIONS, dim)
        self.layers = nn.ModuleList([DecoderLayer(dim, heads, ffn) for _ in range(layers)])
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, vocab)

    def forward(self, ids, positions, enc, enc_bias, self_bias, past: List[Tuple[torch.Tensor, torch.Tensor]]):
        x = self.embed(ids) + self.pos(positions)
        present: List[Tuple[torch.Tensor, torch.Tensor]] = []
        for i, layer in enumerate(self.layers):
            x, k, v = layer(x, past[i][0], past[i][1], self_bias, enc, enc_bias)
            present.append((k, v))
        return self.head(self.norm(x)), present

    def empty_past(self, batch: int, device: torch.device) -> List[Tuple[torch.Tensor, torch.Tensor]]:
        dh = self.dim // self.heads
        z = torch.zeros(batch, self.heads, 0, dh, device=device)
        return [(z, z) for _ in range(self.n_layers)]

    def teacher_forced(self, ids, enc, enc_mask):
        b, n = ids.shape
        positions = torch.arange(n, device=ids.device).unsqueeze(0).expand(b, n)
        logits, _ = self.forward(ids, positions, enc, key_bias(enc_mask),
                                 causal_bias(0, n, ids.device), self.empty_past(b, ids.device))
        return logits


class ContextEncoder(nn.Module):
    """Edge side: log-mel -> int8 context [B, T, context_dim] at 12.5 frames/s."""

    def __init__(self, n_mels, channels, context_dim=CONTEXT_DIM):
        super().__init__()
        self.context_dim = context_dim
        self.convs = ConvStack(n_mels, channels, channels)
        self.mix = nn.Conv1d(channels, channels, 5, padding=2)
        self.bottleneck = nn.Linear(channels, context_dim)
        self.prosody = ProsodyEmbedding(channels, context_dim)

    def continuous(self, mel, pitch, prosody_vec):
        """[B, 1 + ceil(F/8), 16]: the prosody frame, then the audio frames."""
        x = self.convs(mel, pitch)
        x = x + F.gelu(self.mix(x.transpose(1, 2))).transpose(1, 2)
        return torch.cat([torch.tanh(self.prosody(prosody_vec)), torch.tanh(self.bottleneck(x))], dim=1)

    def quantised(self, mel, pitch, prosody_vec):
        """Straight-through rounding in training; the values are exactly what int8 carries."""
        c = self.continuous(mel, pitch, prosody_vec) * CONTEXT_SCALE
        return c + (torch.round(c) - c).detach()

    def forward(self, mel, pitch, prosody_vec):
        return torch.round(self.continuous(mel, pitch, prosody_vec) * CONTEXT_SCALE).to(torch.int8)


class Verifier(nn.Module):
    def __init__(self, vocab, dim=192, heads=4, enc_layers=2, dec_layers=4, ffn=768, context_dim=CONTEXT_DIM):
        super().__init__()
        self.context_dim = context_dim
        self.inp = nn.Linear(context_dim, dim)
        self.enc_layers = nn.ModuleList([EncoderLayer(dim, heads, ffn) for _ in range(enc_layers)])
        self.enc_norm = nn.LayerNorm(dim)
        self.decoder = TextDecoder(vocab, dim, heads, dec_layers, ffn)

    def encode(self, ctx_values, ctx_mask):
        x = self.inp(ctx_values / 127.0)  # CONTEXT_SCALE, literal for TorchScript
        x = x + sinusoid(x.shape[1], x.shape[2], x.device).unsqueeze(0)
        bias = key_bias(ctx_mask)
        for layer in self.enc_layers:
            x = layer(x, bias)
        return self.enc_norm(x)

    def score(self, ctx_values, ctx_mask, ids):
        return self.decoder.teacher_forced(ids, self.encode(ctx_values, ctx_mask), ctx_mask)

    def score_states(self, ctx_values, ctx_mask, ids):
        """(logits, encoder states) for the auxiliary heads in training."""
        enc = self.encode(ctx_values, ctx_mask)
        return self.decoder.teacher_forced(ids, enc, ctx_mask), enc


class VerifierExport(nn.Module):
    """TorchScript entry: (context int8 [B,T,16], context_lengths [B], tokens [B,L], token_lengths [B])
    -> logits [B, L, V]. Position i's logits predict token i + 1; rows past a request's length are
    padding and meaningless."""

    def __init__(self, verifier: Verifier):
        super().__init__()
        self.v = verifier

    def forward(self, context, context_lengths, tokens, token_lengths):
        mask = lengths_mask(context_lengths, context.shape[1])
        return self.v.score(context.float(), mask, tokens)


class DrafterEncoder(nn.Module):
    """ONNX encoder entry: (log_mel [B,F,40], pitch [B,F,2], prosody [B,20]) -> encoder_states
    [B, 1 + ceil(F/8), D]: the prosody step, then the audio steps."""

    def __init__(self, channels, dim):
        super().__init__()
        self.convs = ConvStack(N_MELS, channels, dim)
        self.prosody = ProsodyEmbedding(dim, dim)

    def forward(self, mel, pitch, prosody_vec):
        return torch.cat([self.prosody(prosody_vec), self.convs(mel, pitch)], dim=1)


class Drafter(nn.Module):
    def __init__(self, vocab, channels=96, dim=96, heads=4, layers=2, ffn=256):
        super().__init__()
        self.encoder = DrafterEncoder(channels, dim)
        self.decoder = TextDecoder(vocab, dim, heads, layers, ffn)


class DrafterStep(nn.Module):
    """ONNX decoder entry. Inputs: input_ids [B,S], position_ids [B,S], encoder_states [B,T,D],
    encoder_mask [B,T] (1 valid / 0 pad), self_mask [B,P+S] (1 valid / 0 pad over past + new keys),
    then past_key_i, past_value_i [B,H,P,Dh] per layer. Outputs logits [B,S,V] and
    present_key_i, present_value_i [B,H,P+S,Dh]. Rollback = slice the presents along axis 2."""

    def __init__(self, decoder: TextDecoder):
        super().__init__()
        self.d = decoder

    def forward(self, input_ids, position_ids, encoder_states, encoder_mask, self_mask, *past_flat):
        past = [(past_flat[2 * i], past_flat[2 * i + 1]) for i in range(self.d.n_layers)]
        p = past[0][0].shape[2]
        s = input_ids.shape[1]
        bias = key_bias(self_mask) + causal_bias(p, s, input_ids.device)
        logits, present = self.d(input_ids, position_ids, encoder_states, key_bias(encoder_mask),
                                 bias, past)
        flat = []
        for k, v in present:
            flat += [k, v]
        return (logits, *flat)


def setup_torch(seed=None):
    """Two threads (the recipe's machine), and oneDNN off: Debian's torch 1.13 computes wrong conv1d
    gradients (NaN / 1e19) with oneDNN on AVX-512 CPUs (seen on an AMD EPYC); the native path is right."""
    torch.set_num_threads(2)
    torch.backends.mkldnn.enabled = False
    if seed is not None:
        torch.manual_seed(seed)
