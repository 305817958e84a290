"""A tiny random BERT and its tokenizer, built offline, for fast tests of the text estimators.

Nothing is downloaded: a WordPiece tokenizer is built on the fly with the
``tokenizers`` library on a small built-in corpus of support-ticket-like sentences,
and a randomly initialised two-layer BERT with 32 hidden units is seeded and saved
next to it. Loading the saved folder with ``AutoTokenizer`` / ``AutoModel`` takes
milliseconds and a forward pass is ~100 times faster than all-MiniLM-L6-v2, so unit
tests exercise the real Hugging Face code paths (tokenisation, padding, attention
masks, safetensors, ``from_pretrained`` keyword arguments) in well under a second.

The weights are random: embeddings of this model carry no meaning, only structure.
"""

import os

# Building blocks of the corpus: combined deterministically, they give a few hundred
# distinct sentences over ~170 words: the whole-word part of the vocabulary.
_OPENERS = ("", "hello,", "hi team,", "urgent:", "please help,", "good morning,", "dear support,")
_SUBJECTS = (
    "my order", "the invoice", "my account", "the app", "the refund", "my password",
    "the delivery", "the subscription", "my card", "the website", "the parcel", "my login",
    "the payment", "the update", "my profile", "the discount code",
)
_PROBLEMS = (
    "has not arrived", "was charged twice", "keeps crashing", "is locked", "cannot be reset",
    "shows the wrong amount", "was cancelled without notice", "is very slow", "does not load",
    "arrived damaged", "was sent to the wrong address", "expired yesterday",
    "works fine now", "was fixed quickly",
)
_DETAILS = (
    "", "since monday", "on my phone", "after the last update", "in the mobile app",
    "for order 4821", "on the checkout page", "two weeks ago", "every single morning",
    "with my new laptop", "while travelling abroad", "during the weekend sale",
    "according to the tracking number", "despite several emails",
)
_CLOSERS = (
    "thanks.", "please fix it asap.", "i want my money back.", "can you help?",
    "this is the third time.", "great service otherwise.", "i am very angry.",
    "no rush, just letting you know.", "kind regards.", "why does this keep happening?",
    "the customer hotline never answers.", "please call me back tomorrow.",
    "otherwise i will cancel everything.", "your colleague was extremely helpful!",
    "quick and happy, all good.", "awful: broken, late, the worst package ever.",
)

_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789.,:;!?'-()/"

BERT_SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")


def support_ticket_corpus(n_sentences=400):
    """Return ``n_sentences`` (at most 1000) distinct support-ticket-like sentences.

    The sentences are built from fixed word lists by a deterministic walk over their
    combinations (no random numbers), so every call, on every machine, returns the
    same list.
    """
    if not 1 <= n_sentences <= 1000:
        raise ValueError(f"n_sentences must be in [1, 1000], got {n_sentences}.")
    sentences = []
    seen = set()
    i = 0
    while len(sentences) < n_sentences:
        # Steps coprime with each list's length visit the combinations in a mixed order.
        opener = _OPENERS[i % len(_OPENERS)]
        subject = _SUBJECTS[(3 * i + i // len(_CLOSERS)) % len(_SUBJECTS)]
        problem = _PROBLEMS[(5 * i + i // len(_SUBJECTS)) % len(_PROBLEMS)]
        detail = _DETAILS[(11 * i + i // len(_OPENERS)) % len(_DETAILS)]
        closer = _CLOSERS[(13 * i + i // len(_PROBLEMS)) % len(_CLOSERS)]
        words = " ".join(part for part in (opener, subject, problem, detail) if part)
        sentence = f"{words}, {closer}"
        if sentence not in seen:
            seen.add(sentence)
            sentences.append(sentence)
        i += 1
    return sentences


def make_tiny_tokenizer(texts=None, *, vocab_size=500):
    """Build a lower-casing BERT WordPiece tokenizer, wrapped as ``BertTokenizerFast``.

    The vocabulary is the special tokens, every character of the alphabet as a word
    start and as a continuation piece (``"##x"``, so unseen words split into pieces
    rather than ``[UNK]``), then the corpus's most frequent words (ties broken
    alphabetically). It is chosen by counting, not by ``tokenizers``' WordPiece
    trainer, whose ties fall in hash order: its vocabulary, and so what a seeded
    random model learns, changed from one test session to the next.

    Parameters
    ----------
    texts : list of str or None, default=None
        Extra texts whose words join the vocabulary, added to
        :func:`support_ticket_corpus`.
    vocab_size : int, default=500
        Upper bound of the vocabulary size, special tokens included.

    Returns
    -------
    tokenizer : transformers.BertTokenizerFast
        With the BERT special tokens, ``[CLS] text [SEP]`` templates and
        ``model_max_length=128``.
    """
    from collections import Counter

    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import BertTokenizerFast

    corpus = support_ticket_corpus()
    if texts is not None:
        corpus = corpus + list(texts)
    normalizer = normalizers.BertNormalizer(lowercase=True, strip_accents=True)
    pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    counts = Counter(
        word
        for text in corpus
        for word, _ in pre_tokenizer.pre_tokenize_str(normalizer.normalize_str(text))
    )
    tokens = list(BERT_SPECIAL_TOKENS) + list(_ALPHABET) + ["##" + c for c in _ALPHABET]
    known = set(tokens)
    frequent = sorted((word for word in counts if word not in known),
                      key=lambda word: (-counts[word], word))
    tokens += frequent[:max(vocab_size - len(tokens), 0)]
    backend = Tokenizer(models.WordPiece({token: i for i, token in enumerate(tokens)},
                                         unk_token="[UNK]", max_input_chars_per_word=100))
    backend.normalizer = normalizer
    backend.pre_tokenizer = pre_tokenizer
    backend.decoder = decoders.WordPiece(prefix="##")
    cls_id, sep_id = backend.token_to_id("[CLS]"), backend.token_to_id("[SEP]")
    backend.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)],
    )
    return BertTokenizerFast(
        tokenizer_object=backend,
        unk_token="[UNK]",
        sep_token="[SEP]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        mask_token="[MASK]",
        do_lower_case=True,
        model_max_length=128,
    )


def make_tiny_bert(path, *, vocab_texts=None, num_labels=None):
    """Save a tiny random BERT and its tokenizer to ``path`` and return ``path``.

    The model is ``BertConfig(hidden_size=32, num_hidden_layers=2,
    num_attention_heads=2, intermediate_size=64, max_position_embeddings=128)``,
    initialised with ``torch.manual_seed(0)`` inside ``torch.random.fork_rng`` (the
    caller's RNG stream is left as it was), so every call saves the same weights.
    Both are written with ``save_pretrained`` (weights as safetensors) and load with
    ``AutoTokenizer.from_pretrained(path)`` and ``AutoModel.from_pretrained(path)``.

    Parameters
    ----------
    path : str or os.PathLike
        Folder to write to; created if missing.
    vocab_texts : list of str or None, default=None
        Texts whose words should be in the vocabulary, added to the built-in corpus
        the WordPiece vocabulary is built from.
    num_labels : int or None, default=None
        ``None`` saves a ``BertModel`` (encoder only); an int saves a
        ``BertForSequenceClassification`` with that many labels (its classification
        head is random too).

    Returns
    -------
    path : str
        The folder, as a string.

    Notes
    -----
    The weights are the same on every call. The WordPiece vocabulary is not quite:
    ``tokenizers`` breaks ties between equally frequent pairs in hash-map order, so a
    few rare sub-words (and hence token ids) can differ between processes. Compare
    embeddings computed in the same session; never hard-code their values.
    """
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertModel

    path = os.fspath(path)
    os.makedirs(path, exist_ok=True)
    tokenizer = make_tiny_tokenizer(vocab_texts)
    config_params = dict(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
        pad_token_id=tokenizer.pad_token_id,
    )
    if num_labels is not None:
        config_params["num_labels"] = num_labels
    config = BertConfig(**config_params)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        if num_labels is None:
            model = BertModel(config)
        else:
            model = BertForSequenceClassification(config)
    model.eval()
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path
