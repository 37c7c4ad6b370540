"""Caption references from (language, emotion, gender, cues). The first reference is the primary
one (its template fixed by the emotion, so the style is predictable from the audio) and is the
training target; the others are paraphrases used as extra references in evaluation."""
from emotions import EMOTIONS

EN_EMO = {  # noun, adjective, "expressing ..."
    'neutral': ('neutrality', 'neutral', 'no strong feeling'),
    'calm': ('calmness', 'calm', 'composure'),
    'happy': ('happiness', 'happy', 'joy'),
    'surprised': ('surprise', 'surprised', 'astonishment'),
    'angry': ('anger', 'angry', 'hostility'),
    'frustrated': ('frustration', 'frustrated', 'dissatisfaction'),
    'sad': ('sadness', 'sad', 'sorrow'),
    'anxious': ('anxiety', 'anxious', 'worry'),
}
EN_PITCH_TONE = {'high': 'raised', 'low': 'lowered', 'mid': 'steady'}
EN_PITCH_LEVEL = {'high': 'high', 'low': 'low', 'mid': 'normal'}
EN_PACE = {'fast': 'rapid', 'slow': 'slow', 'moderate': 'moderate'}


def _en_extras(c):
    out = []
    if c['loud'] != 'normal':
        out.append('a loud voice' if c['loud'] == 'loud' else 'a quiet voice')
    if c['pauses'] == 'pauses':
        out.append('frequent pauses')
    elif c['variation'] != 'normal':
        out.append('lively intonation' if c['variation'] == 'wide' else 'flat intonation')
    return out


EN_TEMPLATES = [
    'in the audio, the tone of the {g} speaker is {tone} with {pace} pacing{x}, expressing {feel}. '
    'therefore, the speaker exhibits {noun}.',
    'the {g} speaker talks at a {pace} pace with a {lvl} pitch{x}, which suggests that the speaker '
    'feels {adj}.',
    'with a {lvl} pitch and {pace} speech{x}, the {g} voice sounds {adj}, expressing {feel}.',
    'a {g} voice with {pace} pacing and a {tone} tone{x}. the emotion conveyed is {noun}.',
    'the {g} speaker sounds {adj}. the pitch is {lvl} and the pace is {pace}{xw}.',
]

ZH_EMO = {  # noun, adjective
    'neutral': ('中性', '平淡'), 'calm': ('平静', '平静'), 'happy': ('喜悦', '开心'),
    'surprised': ('惊讶', '惊讶'), 'angry': ('愤怒', '生气'), 'frustrated': ('不满', '烦躁'),
    'sad': ('悲伤', '难过'), 'anxious': ('焦虑', '焦虑'),
}
ZH_GENDER = {'male': '男性', 'female': '女性'}
ZH_CUE = {
    ('pace', 'fast'): '语速很快', ('pace', 'slow'): '语速缓慢', ('pace', 'moderate'): '语速适中',
    ('pitch', 'high'): '音调偏高', ('pitch', 'low'): '音调低沉', ('pitch', 'mid'): '音调平稳',
    ('loud', 'loud'): '音量很大', ('loud', 'soft'): '声音很轻', ('pauses', 'pauses'): '停顿较多',
}
ZH_TEMPLATES = [
    '{g}说话人{cue}，表现出{noun}的情绪。',
    '音频中说话人{cue}，可以听出{noun}。',
    '这段录音里{cue}，说话人显得很{adj}。',
    '从{cue}来看，这位{g}感到{adj}。',
    '说话人{cue}，整体情绪是{noun}。',
]


def _zh_cues(c):
    """Salient cues, most salient first: a pace or pitch off the middle, loudness, pauses."""
    out = [(k, c[k]) for k in ('pace', 'pitch') if c[k] not in ('moderate', 'mid')]
    out += [('loud', c['loud'])] if c['loud'] != 'normal' else []
    out += [('pauses', 'pauses')] if c['pauses'] == 'pauses' else []
    return out or [('pace', c['pace'])]


def primary_template(emotion):
    return EMOTIONS.index(emotion) % 5


def references(lang, emotion, gender, c, rng, n=4):
    order = [primary_template(emotion)]
    rest = [i for i in range(5) if i != order[0]]
    rng.shuffle(rest)
    order += rest[:n - 1]
    if lang == 'en':
        noun, adj, feel = EN_EMO[emotion]
        extras = _en_extras(c)
        slots = dict(g=gender, tone=EN_PITCH_TONE[c['pitch']], lvl=EN_PITCH_LEVEL[c['pitch']],
                     pace=EN_PACE[c['pace']], x=''.join(' and ' + e for e in extras),
                     xw=(', with ' + ' and '.join(extras)) if extras else '', noun=noun, adj=adj, feel=feel)
        return [EN_TEMPLATES[i].format(**slots) for i in order]
    noun, adj = ZH_EMO[emotion]
    salient = _zh_cues(c)
    refs = []
    for j, i in enumerate(order):
        cue = ZH_CUE[salient[0] if j == 0 else salient[j % len(salient)]]
        refs.append(ZH_TEMPLATES[i].format(g=ZH_GENDER[gender], cue=cue, noun=noun, adj=adj))
    return refs
