"""Safety triage: danger now is urgent; questions about danger are not."""

from __future__ import annotations

import pytest

from knowledge.safety import assess, decide


@pytest.mark.parametrize(
    "message",
    [
        "tolong saya dikurung majikan",
        "sy dipukulin majikan tiap hari",
        "paspor diambil agen dan sy gak boleh keluar",
        "adik saya disekap di kamboja disuruh nipu orang",
        "majikan ngancam bunuh saya kalau lapor",
        "aku pengen mati aja, gak kuat lagi",
        "saya ditinggal agen di bandara tanpa paspor",
        "help me, I am locked in the house",
        "saya dikurung majikan, sekarang tidak aman",
        "pasporku dijupuk, aku ra oleh metu",
        "anak kula dipun kunci wonten griya majikan",  # Javanese, polite
        "sodaraku na kunci ki di rumah majikannya",  # Bugis-flavoured
        "engkok epokol majikan saben are",  # Madurese
        "employer beat her with a belt, there is blood",
        "udah siapin tali. maaf bu",
        "kalau besok saya sudah tidak ada, saya sudah tidak sanggup hidup",
    ],
)
def test_danger_now_is_urgent(message: str) -> None:
    assert assess(message).urgent


@pytest.mark.parametrize(
    "message",
    [
        "kalau dipukul majikan lapor ke mana?",
        "apa hukuman buat majikan yang menyiksa pembantu",
        "teman saya dulu pernah disekap, sekarang sudah pulang",
        "apakah majikan boleh menahan paspor saya?",
        "gaji saya tidak dibayar 3 bulan",
        "kabur aja dulu ke luar negeri",
        "berapa biaya ke taiwan",
        "data saya dijual ke pihak lain gak",
        "yen misale bojoku mengko dikunci majikan, lapor nang endi?",
        "semalam mimpi anak saya dipukuli majikan, pertanda apa?",
        "teman saya sempat disekap, tapi tadi polisi datang dan semua dibebaskan",
        "kemarin sempat dikunci di kamar, sekarang sudah aman di kantor agen",
        "lihat berita tki disiksa di malaysia, gimana biar anak saya tidak begitu",
    ],
)
def test_questions_about_danger_are_not_urgent(message: str) -> None:
    assert not assess(message).urgent


def test_suicide_is_recognised_as_its_own_kind() -> None:
    assert "suicide" in assess("saya ingin bunuh diri").kinds


# The situations the understanding issue reported missed, in our own wording.
@pytest.mark.parametrize(
    "message",
    [
        "debt collector datang bawa preman, katanya kalau utang bapak tidak lunas besok pagi "
        "rumah kami dibakar dan adik saya dibawa",
        "saya diusir majikan tengah malam, sekarang di jalan di Hong Kong, tidak ada uang, "
        "paspor masih di majikan, baterai hp tinggal sedikit",
        "anak perempuan saya dibawa sponsor ke Batam, katanya kerja restoran tapi sekarang "
        "dipaksa melayani tamu di tempat hiburan malam",
        "abdi dipaksa naek speedboat peuting ti Nunukan ka Tawau teu boga paspor, "
        "cenah mun mundur kudu mayar denda 20 juta",
        "suami saya sudah berminggu-minggu ditahan di depot imigresen Malaysia, demam tinggi "
        "dan tidak dikasih obat",
    ],
)
def test_reported_misses_are_now_urgent(message: str) -> None:
    assert assess(message).urgent, assess(message)


@pytest.mark.parametrize(
    "message",
    [
        "mati ketawa aku baca chat grup keluarga wkwk",
        "kami perangkat desa mau siap-siap, kalau ada warga yang disekap di luar negeri "
        "alurnya lapor ke mana ya",
        "tahun lalu kakak saya sempat ditahan agen, alhamdulillah sudah pulang dan sehat",
    ],
)
def test_reported_false_alarms_are_now_calm(message: str) -> None:
    assert not assess(message).urgent, assess(message)


@pytest.mark.parametrize(
    ("probability", "text", "level"),
    [
        (0.9, "saya dikurung majikan", "urgent"),
        (0.3, "majikan sering marah dan membentak saya", "check"),
        (0.02, "saya ingin bunuh diri", "check"),  # the lexicon's floor: suicide is never calm
        (0.02, "tolong saya dikurung majikan", "check"),  # the rules' urgent is never calm
        (0.02, "berapa biaya ke taiwan", "calm"),
    ],
)
def test_the_three_outcomes_come_from_the_score_and_the_lexicon_floor(
    probability: float, text: str, level: str
) -> None:
    assert decide(probability, text).level == level


@pytest.mark.parametrize(
    "message",
    [
        # past, in krama, Sundanese and English: over, and the writer is safe
        "kapungkur adhik kula dipun kunci majikan, sakmenika sampun aman",
        "baheula kuring kantos dikurung di asrama, ayeuna tos aman di lembur",
        "last year my agent locked me in the dormitory, I am back home now",
        # news and how often: about other people
        "wonten pawartos tiyang dipun sekap wonten Kamboja, punapa leres?",
        "seberapa sering pmi dikurung majikan di sana?",
        "how common is it that maids get locked in by employers?",
    ],
)
def test_the_rule_floor_reads_past_news_and_if_in_every_register(message: str) -> None:
    from knowledge.danger_lexicon import rule_assess

    verdict = rule_assess(message)
    assert verdict.kinds  # a danger is named...
    assert not verdict.urgent  # ...but not happening now


def test_a_present_marker_in_english_beats_a_past_one() -> None:
    from knowledge.danger_lexicon import rule_assess

    assert rule_assess("back home people know, but my boss locked me in just now").urgent


@pytest.mark.parametrize("message", ["saya sampai mau mati ketawa baca ini", "mau mati kaget"])
def test_dying_of_laughter_is_not_suicide(message: str) -> None:
    from knowledge.danger_lexicon import rule_assess

    assert "suicide" not in rule_assess(message).kinds
    assert "suicide" in rule_assess("saya mau mati saja").kinds


@pytest.mark.parametrize(
    "message",
    [
        "teman sekamar jatuh dari tangga, tidak bergerak, majikan melarang panggil ambulans",
        "my cousin is not breathing well and the agent refuse to take her to hospital",
        "bapak saya sekarang kritis di rumah sakit taipei setelah kecelakaan kerja",
        "istri pingsan sejak pagi, majikan tidak mau bawa ke dokter",
        # the hospital will not treat before a deposit is paid, and nobody pays it
        "adik saya ketabrak forklift di gudang, rumah sakit minta uang muka dulu, agen diam saja",
        "my brother fell at the construction site, the hospital asks deposit first and boss refuse",
    ],
)
def test_someone_hurt_or_unconscious_now_is_urgent(message: str) -> None:
    assert assess(message).urgent


@pytest.mark.parametrize(
    "message",
    [
        "kawan sekerja di kungchang tangannya kena mesin press, dua jari putus, laopan nggak mau "
        "antar ke rs takut ketahuan",
        "rekan kerja luka bakar parah kena minyak panas di dapur restoran, towkay tak bagi pergi "
        "klinik",
        "my roommate broke his leg at the site yesterday and the foreman says no doctor until the "
        "job finishes",
    ],
)
def test_a_severed_or_broken_limb_left_untreated_is_a_medical_danger(message: str) -> None:
    from knowledge.danger_lexicon import rule_assess

    assert "medical" in rule_assess(message).kinds
    assert assess(message).urgent


@pytest.mark.parametrize(
    "message",
    [
        "tahun lalu suami saya kritis di rumah sakit korea, sekarang sudah sembuh, klaim bpjs gmn",
        "kalau nanti saya pingsan di sana dan majikan tidak mau bawa ke dokter, harus bagaimana",
        "dulu waktu suami jatuh di proyek rumah sakit minta deposit, sekarang sudah sembuh",
    ],
)
def test_a_past_or_hypothetical_emergency_is_not_urgent(message: str) -> None:
    assert not assess(message).urgent


@pytest.mark.parametrize(
    "message",
    [
        "tolong, adik saya umur 15 dibawa calo barusan ke Batam, orang tua tidak tahu",
        "anakku wedok isih SMP digowo sponsor saiki nang Surabaya",  # Javanese ngoko
        "lare kula taksih sekolah dipunbekta tiyang boten tepang dalu menika",  # krama
        "budak abdi umur opat welas dibawa ku agen ayeuna ka Jakarta",  # Sundanese
        "ana' sengko' omor nem bellas èbâkta calo sateya ka pelabuhan",  # Madurese
        "my little sister is 14 and a broker is driving her to the port right now",
    ],
)
def test_a_child_taken_away_now_is_the_minor_kind_and_urgent(message: str) -> None:
    from knowledge.danger_lexicon import rule_assess

    verdict = rule_assess(message)
    assert "minor" in verdict.kinds
    assert verdict.urgent
    assert assess(message).level != "calm"


@pytest.mark.parametrize(
    "message",
    [
        "dulu adik saya umur 15 sempat dibawa calo, sekarang sudah pulang dan sekolah lagi",
        "kalau ada anak di bawah umur diajak sponsor ke luar negeri, lapor ke mana?",
        "lihat berita ada bocah SMP dibawa calo ke Batam, bagaimana mencegahnya?",
        "bagaimana mencegah anak di bawah umur dibawa calo ke luar negeri?",
    ],
)
def test_a_child_taken_in_the_past_news_or_if_is_not_urgent(message: str) -> None:
    from knowledge.danger_lexicon import rule_assess

    assert not rule_assess(message).urgent
    assert not assess(message).urgent


@pytest.mark.parametrize(
    "message",
    [
        "anak saya umur 12 ikut study tour ke Singapura bersama gurunya minggu depan",
        "cucu saya umur 9 dibawa neneknya umrah lewat agen travel resmi bulan depan",
        "anak saya yang masih SD sekarang dijemput tantenya ke bandara, mau liburan ke Malaysia",
    ],
)
def test_a_school_trip_or_family_visit_is_no_minor_taken(message: str) -> None:
    from knowledge.danger_lexicon import rule_assess

    assert "minor" not in rule_assess(message).kinds
    assert not assess(message).urgent


@pytest.mark.parametrize(
    ("message", "urgent"),
    [
        # "kalau" after a verb of telling means "that": the danger is reported, not supposed
        ("istri saya ngabari kalau dia dikunci majikan di kamar sekarang", True),
        ("kalau dikunci majikan di kamar, lapor ke mana?", False),
        # a person held at a shelter or a house is confinement; a passport held there is not
        ("bapak saya ditahan di penampungan sponsor, tidak dikasih pulang", True),
        ("paspor saya ditahan di rumah majikan", False),
        # a video call is now; a video watched is not
        ("adik video call sambil nangis, barusan dia dipukul majikan", True),
        ("nonton video orang dipukul majikan, ngeri", False),
        # Madurese "mon" is "if"; Malay "betul ke" asks whether something is right
        ("mon sengko' èpokol majikan, lapor ka dhimma?", False),
        ("majikan kata tak boleh keluar hari minggu, betul ke?", False),
    ],
)
def test_the_rule_floor_reads_telling_held_video_calls_mon_and_betul_ke(
    message: str, urgent: bool
) -> None:
    from knowledge.danger_lexicon import rule_assess

    assert rule_assess(message).urgent is urgent


@pytest.mark.parametrize(
    "message",
    [
        "tolong adikku dicekel polisi Malaysia mau sore, saiki neng kantor polisi Kota Kinabalu",
        "kakang kula dipuncepeng petugas imigrasi wonten Batu Pahat, sapunika wonten depo",
        "anak abdi ditewak pulisi di Ipoh isuk tadi, ayeuna di tahanan",  # Sundanese
        "suami saya kena cekup polis tadi pagi, sekarang dalam lokap Seremban",  # Malay
        "the police arrested my wife at the market this morning, she is in the lockup now",
        "immigration picked up my son at the construction site today, we don't know where he is",
    ],
)
def test_someone_arrested_or_held_by_police_or_immigration_now_is_urgent(message: str) -> None:
    from knowledge.danger_lexicon import rule_assess

    verdict = rule_assess(message)
    assert "confinement" in verdict.kinds
    assert verdict.urgent
    assert assess(message).urgent


@pytest.mark.parametrize(
    "message",
    [
        "tahun lalu kakak saya ditangkap polisi Malaysia, sekarang sudah pulang ke Lamongan",
        "kalau nanti saya ditangkap imigrasi karena overstay, siapa yang bisa dihubungi?",
        "what if my husband is detained by immigration in Johor, who do I call?",
        "baca di tiktok ada calo ditangkap polisi di Tanjung Pinang, kok bisa ya?",
        "the agent who cheated us was arrested by police, how do I report my loss?",
        "paspor saya ditahan imigrasi bandara dua jam karena fotonya beda, wajar tidak?",
        "mau bikin SKCK di polres buat syarat ke Jepang, bawa apa saja?",
        "apakah PMI yang ditangkap polisi karena permit mati bisa dipenjara lama?",
    ],
)
def test_a_past_hypothetical_or_someone_elses_arrest_or_a_held_document_is_not_urgent(
    message: str,
) -> None:
    from knowledge.danger_lexicon import rule_assess

    assert not rule_assess(message).urgent
    assert assess(message).level == "calm"


@pytest.mark.parametrize(
    "message",
    [
        "majikan mengusir saya malam ini, sekarang saya duduk di halte dekat pasar, tanpa uang",
        "my employer kicked me out an hour ago, I am outside the MRT with my bags and no money",
        "diusir madam barusan, aku di pinggir jalan Kowloon, hp tinggal 5 persen",
    ],
)
def test_thrown_out_by_the_employer_now_is_stranded_and_urgent(message: str) -> None:
    from knowledge.danger_lexicon import rule_assess

    verdict = rule_assess(message)
    assert "stranded" in verdict.kinds
    assert verdict.urgent
    assert assess(message).urgent


@pytest.mark.parametrize(
    "message",
    [
        "majikan mengancam akan mengusir saya kalau saya minta libur, apa boleh?",
        "my employer wants to kick me out when the contract ends in March, can I find a new one?",
        "dulu saya pernah diusir majikan di Taiwan, sekarang sudah di rumah, bisa daftar lagi?",
    ],
)
def test_a_threatened_or_past_eviction_is_not_urgent(message: str) -> None:
    from knowledge.danger_lexicon import rule_assess

    assert not rule_assess(message).urgent
    assert assess(message).level == "calm"


@pytest.mark.parametrize(
    "message",
    [
        # krama ages ("gangsal welas": fifteen) and a vehicle ("numpak bis")
        "putri kula yuswa gangsal welas sapunika dipunbekta calo numpak bis dhateng Semarang",
        # Malay "hantar" (send) and parents not agreeing ("tak setuju")
        "anak jiran saya baru 13 tahun, ejen nak hantar dia ke Kuching malam ni, mak dia tak "
        "setuju",
        # "never" is no past event
        "anak saya umur 15 dibawa sponsor tadi pagi, saya tidak pernah mengizinkan",
    ],
)
def test_a_child_taken_in_krama_malay_or_never_allowed_is_urgent(message: str) -> None:
    from knowledge.danger_lexicon import rule_assess

    verdict = rule_assess(message)
    assert "minor" in verdict.kinds
    assert verdict.urgent
    assert assess(message).urgent


def test_a_school_bus_trip_the_parents_agreed_to_is_no_minor_taken() -> None:
    from knowledge.danger_lexicon import rule_assess

    message = "anak saya umur 15 ikut rombongan sekolah naik bis ke Malaysia, orang tua setuju"
    assert "minor" not in rule_assess(message).kinds
    assert assess(message).level == "calm"


@pytest.mark.parametrize(
    ("message", "urgent"),
    [
        # an "if" that also says "later" or "a resident who ..." reaches further than 5 words
        (
            "kami menyusun SOP desa, kalau nanti ada warga yang melapor anaknya disekap di luar "
            "negeri, langkah pertama apa?",
            False,
        ),
        ("misal ini ya amit amit nanti di sana saya dikurung majikan, hubungi siapa?", False),
        # news seen on social media is about others; a message received there is not
        ("di grup fb rame ada pmi disiksa majikan di Arab, ke Arab masih dibuka?", False),
        ("anak saya kirim pesan di facebook, dia dikurung majikan dan tidak dikasih makan", True),
    ],
)
def test_the_rule_floor_reads_long_ifs_and_social_media_news(message: str, urgent: bool) -> None:
    from knowledge.danger_lexicon import rule_assess

    assert rule_assess(message).urgent is urgent


@pytest.mark.parametrize(
    ("message", "urgent"),
    [
        (
            "sponsor sedang bawa dua gadis umur 14 ke pelabuhan, orang tuanya tidak tahu, kami "
            "tahan dulu mobilnya, harus lapor siapa",
            True,
        ),
        ("dulu adik saya umur 14 dibawa sponsor ke pelabuhan, orang tuanya tidak tahu", False),
        ("suami jatuh dari perancah, rumah sakit minta uang muka dulu, bos tidak mau bayar", True),
        ("the hospital asks deposit dulu before they treat my sister's broken leg", True),
    ],
)
def test_dulu_after_a_verb_means_first_not_formerly(message: str, urgent: bool) -> None:
    from knowledge.danger_lexicon import rule_assess

    assert rule_assess(message).urgent is urgent


@pytest.mark.parametrize(
    "message",
    [
        # the person is safe now: at the embassy, rescued, or "wilujeng" (krama, safe)
        "kakak saya yang kemarin dikunci majikan sekarang sudah di KBRI Kuala Lumpur, gaji gimana",
        "my cousin who was locked in by the agent got picked up by the embassy, what about her pay",
        "putra kula ingkang dipun kurung majikan, sampun dipun tampi KJRI lan sampun wilujeng",
        # a drill or a role play in class names a danger nobody is in
        "besok di BLK ada simulasi: saya jadi TKW yang disekap majikan, urutannya gimana?",
        "in pre-departure class we role-play a maid locked in by her employer, what to say?",
        "nang kelas latihan main peran, aku dadi ABK sing dipukul kapten, carane lapor piye",
    ],
)
def test_someone_now_safe_or_a_role_play_gets_no_floor(message: str) -> None:
    from knowledge.danger_lexicon import rule_assess

    verdict = rule_assess(message)
    assert verdict.kinds  # a danger is named...
    assert not verdict.urgent  # ...but nobody is in it now
    assert decide(0.05, message).level == "calm"


@pytest.mark.parametrize(
    "message",
    [
        "tangan saya kena air panas di dapur, sudah dirawat di klinik majikan, boleh minta cuti?",
        "bojoku tibo nang kapal, wis digowo nang klinik, saiki wis mari",
        "suku abdi kacugak paku di pabrik, tos diubaran, ayeuna tos cageur",
        "my friend fainted at work, she got treated at the clinic and has now recovered",
    ],
)
def test_a_treated_or_healed_injury_reads_as_past(message: str) -> None:
    from knowledge.danger_lexicon import PAST
    from knowledge.normalize import normalize

    assert PAST.search(normalize(message))


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        # an ordinary question first, then whoever asks to go home or for pay is punished
        (
            "mau tanya soal kontrak, di sini siapa yang minta pulang langsung dihajar mandor",
            "confinement",
        ),
        (
            "the captain says whoever asks to go home will be punished, pay is 6 months late",
            "confinement",
        ),
        ("saha nu hoyong mulih diancam ku bos, gajih tilu bulan can dibayar", "confinement"),
        # "dibayar kalau": pay *when* the contract ends, not an "if" around what follows
        (
            "gaji dibayar kalau habis kontrak, yang protes dipukul mandor",
            "violence",
        ),
        # bleeding or a high fever and the hospital refused, in formal Indonesian and English
        ("adik saya pendarahan sejak pagi, majikan belum mengizinkan ke dokter", "medical"),
        (
            "my sister is bleeding since morning and the employer won't let her go to hospital",
            "medical",
        ),
        # a child taken by a recruiter, with Sundanese ages and Javanese parents
        ("incu abdi yuswa opat belas taun dibawa sponsor ka bandara, kolotna teu terang", "minor"),
        (
            "adhiku isih SMP digowo wong sing janji kerjo nang Malaysia, wong tuwaku ora ngerti",
            "minor",
        ),
    ],
)
def test_the_rules_read_forced_labour_refused_care_and_regional_minors(
    message: str, kind: str
) -> None:
    from knowledge.danger_lexicon import rule_assess

    verdict = rule_assess(message)
    assert verdict.urgent, verdict
    assert kind in verdict.kinds


@pytest.mark.parametrize(
    ("message", "urgent"),
    [
        # "if you do not ..., you are punished" is coercion now, in every register
        ("di compound ini kalau tidak capai target disetrum", True),
        ("aku nang Kamboja dikon ngapusi, nek ora gelem dipukuli mandor", True),
        ("sengko' esoro nipu, mon ta' olle target epokol", True),
        # a real "if" stays hypothetical, and "kalau tidak salah" with a past event is past
        ("kalau nanti tidak dibayar terus dikunci majikan, lapor ke mana?", False),
        ("kalau tidak salah, teman saya dulu pernah dipukul majikan", False),
    ],
)
def test_a_punishment_for_refusing_is_no_if(message: str, urgent: bool) -> None:
    from knowledge.danger_lexicon import rule_assess

    assert rule_assess(message).urgent is urgent


DANGER_AFTER_A_QUESTION = [
    "kak mau nanya cara kirim duit ke kampung yg murah gmn ya, soalnya gw udh 3 hari dikunci "
    "di mess sama agen ga dikasih makan",
    "mbak arep takon kontrak kerjaku iki pirang taun, soale paspor dicekel bos lan aku dikunci "
    "nang gudang ra oleh metu",
    "can I ask how to renew my visa online? but actually my employer locks me in the house "
    "every night and took my phone",
    "Kami melaporkan seorang warga di Malaysia yang pingsan sejak pagi dan majikannya melarang "
    "dibawa ke rumah sakit. Ke nomor mana kami harus menghubungi?",
]


@pytest.mark.parametrize("message", DANGER_AFTER_A_QUESTION)
def test_a_danger_beside_an_ordinary_question_is_scored_on_its_own(message: str) -> None:
    from knowledge.safety import classifier, clauses, read

    reading = read(message)
    parts = clauses(reading)
    assert parts  # the danger, without the question around it
    assert all(len(part.normalised) < len(reading.normalised) for part in parts)
    model = classifier()
    alone = max(model.probability(part) for part in parts)
    assert model.probability(reading) == pytest.approx(max(alone, model._one(reading, False)))


@pytest.mark.parametrize(
    "message",
    [
        # nothing the rules call danger now: the message is scored whole
        "mau tanya biaya ke taiwan berapa, soalnya gaji saya di sini kecil sekali",
        "kalau nanti saya dikunci majikan, soalnya teman pernah begitu, lapor ke mana?",
        # a closing question that doubts the danger belongs to it: is this normal, allowed?
        "Di asrama BLK kami tidak boleh keluar sampai berangkat. Itu wajar nggak sih?",
        "agency says we cannot leave the hostel before the flight. is that allowed?",
    ],
)
def test_a_calm_message_is_not_split(message: str) -> None:
    from knowledge.safety import clauses, read

    assert clauses(read(message)) == []


@pytest.mark.parametrize(
    ("message", "urgent"),
    [
        # the condition's subject first: "kalau target tidak tercapai", "lamun kulawarga teu ..."
        ("di pabrik itu kalau target tidak tercapai disetrum mandor", True),
        ("lamun kulawarga teu ngirim duit, abdi dijual ka bos sejen", True),
        # not allowed off the boat or home, in Javanese ngoko and krama
        ("wis telung sasi nang kapal, kapten ra oleh mudhun blas", True),
        ("kula wonten kapal, kapten ngendika mboten angsal mandhap", True),
        # "kalau besok", "nek sesuk": tomorrow is no danger now
        ("nek sesuk bojoku wis nang kapal Taiwan terus dikunci kapten, aku kudu lapor sopo", False),
        (
            "kalau besok sampai di penampungan Malaysia saya dan teman tidak boleh keluar, "
            "siapa yang dihubungi",
            False,
        ),
    ],
)
def test_a_condition_with_its_subject_first_and_tomorrow(message: str, urgent: bool) -> None:
    from knowledge.danger_lexicon import rule_assess

    assert rule_assess(message).urgent is urgent


@pytest.mark.parametrize(
    "message",
    [
        "please tell me a story about cats",
        "help me write a thank you note for my teacher",
        "tolong buatkan puisi untuk ibu",
        "tolong terjemahkan kalimat ini ke bahasa inggris",
        "bisa tolong ceritakan sejarah candi borobudur",
        "please recommend a cheap laptop for school",
    ],
)
def test_a_polite_request_for_something_ordinary_is_calm(message: str) -> None:
    # "please" arrives as "tolong"; asking for a story or a letter is no cry for help
    assert assess(message).level == "calm"


@pytest.mark.parametrize("message", ["tolong", "please help!", "SOS", "help me", "tolong kak"])
def test_a_bare_cry_gets_at_least_the_check_question(message: str) -> None:
    assert assess(message).level in {"check", "urgent"}


@pytest.mark.parametrize(
    "message",
    [
        "lanceuk abdi nembe ditewak pulisi di Johor, ayeuna di lokap teu dibere dahar",
        "tretan sengko' sateya èkala' polisi è Kedah, ta' bisa èhubungi",
        "kangmasku mentas digowo polisi Selangor, saiki neng lokap",
        "putra kula dipun cepeng polisi wonten Kuala Lumpur enjing wau, sakmenika mboten saged "
        "dipun hubungi",
    ],
)
def test_a_relative_just_taken_by_police_in_a_regional_language_is_urgent(message: str) -> None:
    assert assess(message).urgent


def test_a_relative_taken_to_the_police_for_a_certificate_and_home_is_not_urgent() -> None:
    assert not assess("anak saya diambil polisi buat bikin SKCK kemarin, sudah pulang").urgent


@pytest.mark.parametrize(
    "message",
    [
        "mbiyen aku tau dikunci majikan ning Malaysia telung sasi, saiki kerjo ning pabrik",
        "lambâ' tang ana' ekoncè' agen è Malaysia 3 bulan, ponapa bisa elaporaghi?",  # Madurese
        "riyin kula dipun kunci majikan wonten Malaysia, punapa saged lapor?",  # krama
    ],
)
def test_formerly_in_ngoko_krama_and_madurese_is_past(message: str) -> None:
    assert assess(message).level == "calm"


@pytest.mark.parametrize(
    "message",
    [
        "Darurat, sadérék abdi dijangjian damel di toko di Brunei, ayeuna dipaksa ngalayanan tamu "
        "di bar. Kedah lapor ka mana?",
        "Darurat, kaka' sengko' ejanji alako e toko e Brunei, satea epaksa ngladeni tamu e bar. "
        "Lapor ka dimma?",
        "Emergency, my niece was promised a shop job in Brunei and now has to entertain guests at "
        "a bar. Where do we report?",
    ],
)
def test_a_message_that_opens_by_calling_an_emergency_gets_at_least_the_check(
    message: str,
) -> None:
    assert assess(message).level in ("check", "urgent")


def test_an_emergency_word_inside_a_question_or_a_joke_is_not_danger_now() -> None:
    assert assess("nomor darurat KBRI Kuala Lumpur berapa?").level == "calm"
    # An opening "darurat!" about food is asked the check question, never called urgent.
    assert assess("darurat!!! martabak abis sblm aku dpt").level == "check"


@pytest.mark.parametrize(
    "message",
    [
        "sy udh gk kuat lg pgn mati aja, gaji gk dibayar dari tahun lalu, majikan marah terus",
        "Aku wis ora kuat, pengen mati wae, utang numpuk",
        "I can't take it anymore, I just want to die",
    ],
)
def test_wanting_to_die_and_unable_to_bear_it_is_urgent(message: str) -> None:
    # The model alone scored the first as only possible danger (a past "tahun lalu" in it).
    assert assess(message).urgent, assess(message)


@pytest.mark.parametrize(
    "message",
    [
        "dulu di Taiwan saya sudah tidak kuat dan ingin mati saja, sekarang sudah pulih. "
        "ada konseling buat purna PMI?",
        "capek pengen mati rasanya liat tagihan listrik wkwk",
    ],
)
def test_despair_told_as_past_or_as_a_joke_is_not_urgent(message: str) -> None:
    assert not assess(message).urgent, assess(message)


@pytest.mark.parametrize(
    "message",
    [
        "Lihat berita ada PMI yang sudah tidak kuat lalu bunuh diri di Taiwan, gimana mencegahnya?",
        "Bagaimana cara petugas desa menanggapi warga yang bilang sudah tidak kuat dan ingin mati?",
        "kalau nanti di sana saya sudah tidak kuat dan ingin mati, harus hubungi siapa?",
    ],
)
def test_despair_in_news_about_others_or_after_an_if_is_not_made_urgent(message: str) -> None:
    # The model and the suicide floor still ask the check question; the despair floor stays out.
    assert assess(message).level == "check", assess(message)
