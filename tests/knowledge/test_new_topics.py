"""Issue 12's new topics are reachable from the questions people type, in both languages.

The Gulf, Cambodia/Myanmar/Thailand and family-remittance pages were later folded into the spec
topics that cover them (negara.timur_tengah, tppo.kerja_online_scam, remitansi.kirim_aman):
their questions are answered there.
"""

from __future__ import annotations

import pytest

from knowledge.base import KnowledgeBase


@pytest.mark.parametrize(
    ("text", "topic_id"),
    [
        ("kbri singapura nomornya brp", "negara.singapura"),
        ("mau kerja di brunei lewat pt resmi", "negara.brunei"),
        ("kerja hotel di dubai boleh gk", "negara.timur_tengah"),
        ("nomor kbri phnom penh", "tppo.kerja_online_scam"),
        ("ibu sy gk punya rekening bank gmn terima uang", "remitansi.kirim_aman"),
        ("someone called saying my son had an accident and wants money", "remitansi.kirim_aman"),
        ("berapa gaji di jepang", "negara.jepang"),
        ("data sy disimpen brp lama", "layanan.privasi"),
    ],
)
def test_new_and_rewritten_topics_are_found(
    knowledge: KnowledgeBase, text: str, topic_id: str
) -> None:
    assert knowledge.rank(text).topic_id == topic_id
