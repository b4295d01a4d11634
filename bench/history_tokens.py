# ruff: noqa: RUF001, E501  # samples of other scripts (their punctuation and letters) are the point
"""How `agent.history.text_size` (the unit the conversation bound counts) tracks tokens in `o200k_base` (GPT-4o and
later), per script: ordinary text of each must count at least as many units a token as English prose or code (the
text the default bound was set for: a unit is an ASCII character), so a history in any language is cut at the tokens
of the same bound in English or fewer.

    .venv/bin/python -m bench history_tokens

Prints, for each sample, its characters, `text_size`, tokens, and units a token (`text_size / tokens`); baseline:
the same figures with plain characters (`len`), the bound before. Random characters of a script are the adversarial
case: they may count fewer units than 4 a token, as random ASCII does with either unit.
"""

from __future__ import annotations

import random
import unicodedata

from agent.history import text_size
from bench._tokens import count

SAMPLES = {
    "english": "I think the answer is to use a hash map from value to index, then for each number check whether "
    "target minus it is already there. That is linear time and linear space. ",
    "code": "def two_sum(nums, target):\n    seen = {}\n    for i, x in enumerate(nums):\n"
    "        if target - x in seen:\n            return [seen[target - x], i]\n        seen[x] = i\n",
    "chinese": "我认为答案是使用一个哈希表，把数值映射到下标，然后对每个数字检查目标减去它是否已经存在。这是线性时间和线性空间。",
    "japanese": "答えはハッシュマップを使うことだと思います。各数字について、目標からそれを引いた値がすでにあるかどうかを確認します。",
    "korean": "답은 해시 맵을 사용하는 것이라고 생각합니다. 각 숫자에 대해 목표에서 그 숫자를 뺀 값이 이미 있는지 확인합니다.",
    "hindi": "मुझे लगता है कि उत्तर हैश मैप का उपयोग करना है, फिर प्रत्येक संख्या के लिए जांचें कि लक्ष्य घटा वह पहले से है या नहीं।",
    "thai": "ฉันคิดว่าคำตอบคือการใช้แฮชแมป แล้วตรวจสอบว่าเป้าหมายลบตัวเลขนั้นมีอยู่แล้วหรือไม่",
    "russian": "Я думаю, что ответ в том, чтобы использовать хеш-таблицу, а затем для каждого числа проверить, есть ли "
    "уже разность.",
    "arabic": "أعتقد أن الحل هو استخدام جدول تجزئة ثم التحقق لكل رقم مما إذا كان الفرق موجودًا بالفعل.",
    "french": "Je pense que la réponse est d'utiliser une table de hachage, puis de vérifier pour chaque nombre si la "
    "différence est déjà là.",
    "vietnamese": "Tôi nghĩ câu trả lời là sử dụng bảng băm, sau đó kiểm tra với mỗi số xem hiệu đã có hay chưa.",
    "emoji": "😀🎉🚀🔥💯👍🏽👩‍💻🇺🇸❤️🤔",
}
RANDOM = {  # adversarial: characters of a block drawn at random
    "random ascii": (0x21, 0x7F),
    "random latin ext": (0x0100, 0x0250),
    "random cjk": (0x4E00, 0xA000),
    "random bmp": (0x0800, 0xD7FF),
    "random emoji": (0x1F300, 0x1FAFF),
    "random cjk ext-b": (0x20000, 0x2A6DF),
}


def _random(lo: int, hi: int, rng: random.Random, n: int = 2_000) -> str:
    out: list[str] = []
    while len(out) < n:
        c = chr(rng.randrange(lo, hi))
        if unicodedata.category(c)[0] in "LNPS":
            out.append(c)
    return "".join(out)


def main(argv: list[str] | None = None) -> int:
    rng = random.Random(1)
    rows = [(name, text * 20, True) for name, text in SAMPLES.items()]
    rows += [(name, _random(lo, hi, rng), False) for name, (lo, hi) in RANDOM.items()]
    print(
        f"{'sample':18} {'chars':>6} {'units':>7} {'tokens':>6} {'units/token':>11} {'baseline chars/token':>20}"
    )
    ratios: dict[str, float] = {}
    for name, text, _ in rows:
        tokens = count(text)
        units = text_size(text)
        ratios[name] = units / tokens
        print(
            f"{name:18} {len(text):6} {units:7} {tokens:6} {units / tokens:11.2f} {len(text) / tokens:20.2f}"
        )
    least = min(ratios["english"], ratios["code"])
    failed = [name for name, _, ordinary in rows if ordinary and ratios[name] < least]
    if failed:
        print(f"ordinary text counted under English's {least:.2f} units a token: {', '.join(failed)}")
        return 1
    print(f"every ordinary sample counts at least English's {least:.2f} units a token")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
