"""Word families meet on one stem, and the stemmer leaves names and look-alike words alone.

Every case runs ``_analyze`` with the index's own ``id_news`` analyzer on a real node.
"""

from __future__ import annotations

import pytest


def stems(os_client, index: str, text: str, analyzer: str = "id_news") -> list[str]:
    body = {"analyzer": analyzer, "text": text}
    return [t["token"] for t in os_client.indices.analyze(index=index, body=body)["tokens"]]


FAMILIES = {
    "layan": "melayani pelayanan layanan dilayani",
    "tangkap": "penangkapan ditangkap menangkap tangkapan menangkapnya",
    "bakar": "kebakaran terbakar membakar pembakaran",
    "tulis": "menulis penulis tulisan ditulis menuliskan",
    "pilih": "memilih dipilih pemilihan pilihan pemilih",
    "kirim": "mengirim pengiriman dikirim kiriman",
    "sebut": "menyebut disebut penyebutan",
    "pengaruh": "mempengaruhi memengaruhi pengaruh dipengaruhi berpengaruh",
    "milik": "memiliki pemilik dimiliki",
    "temu": "bertemu pertemuan menemukan ditemukan",
    "tahu": "mengetahui diketahui pengetahuan",
    "kerja": "bekerja pekerja pekerjaan mengerjakan dikerjakan",
    "salah": "bersalah kesalahan menyalahkan",
    "kuat": "menguat penguatan menguatkan kekuatan",
    "kawal": "mengawal dikawal pengawal pengawalan",
    "ubah": "berubah perubahan mengubah diubah",
    "berani": "berani keberanian memberanikan",
    "berita": "berita beritanya memberitakan diberitakan pemberitaan",
}


@pytest.mark.parametrize(("stem", "words"), FAMILIES.items(), ids=list(FAMILIES))
def test_word_family_meets_on_one_stem(os_client, index_alias, stem, words):
    assert set(stems(os_client, index_alias, words)) == {stem}


PARTICLES = [
    ("rumahnya", "rumah"),
    ("bukuku", "buku"),
    ("bukumu", "buku"),
    ("siapakah", "siapa"),
    ("pergilah", "pergi"),
    ("benarkah", "benar"),
    ("menulisnya", "tulis"),
    ("beritanya", "berita"),
    ("menterinya", "menteri"),
]


@pytest.mark.parametrize(("word", "stem"), PARTICLES)
def test_particles_and_possessives_are_removed(os_client, index_alias, word, stem):
    assert stems(os_client, index_alias, word) == [stem]


PROTECTED = [
    "berita",  # stock stemmer: "ita"
    "pemerintah",  # "erintah"
    "presiden",
    "bersama",  # "sama"
    "kejagung",  # "jagung" (corn)
    "kediri",  # "diri" (self)
    "menteri",  # "teri" (anchovy)
    "lebaran",  # "lebar" (wide)
    "pemilu",  # "ilu"
    "jokowi",  # "jokow"
    "kepala",  # "pala" (nutmeg)
    "ketua",  # "tua" (old)
    "berikut",  # "ikut"
    "sekolah",  # "seko"
    "masalah",  # "masa"
    "selatan",  # "selat" (strait)
    "maluku",  # "malu" (shy)
    "megawati",  # "gawat" (critical)
    "media",  # "dia" (he/she)
    "pekalongan",  # "kalong" (flying fox)
]


@pytest.mark.parametrize("word", PROTECTED)
def test_protected_word_is_left_intact(os_client, index_alias, word):
    assert stems(os_client, index_alias, word) == [word]


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("berikan", "beri"),
        ("memberikan", "beri"),
        ("bersalah", "salah"),
        ("pemerintahan", "pemerintah"),
    ],
)
def test_look_alike_affix_is_not_cut_into_another_word(os_client, index_alias, word, stem):
    # berikan is beri + -kan, not ber- + ikan (fish); bersalah is ber- + salah, not bersa + -lah.
    assert stems(os_client, index_alias, word) == [stem]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("anak-anak", ["anak", "anak"]), ("rumah-rumah", ["rumah", "rumah"])],
)
def test_reduplication_is_split_into_the_base_word(os_client, index_alias, text, expected):
    assert stems(os_client, index_alias, text) == expected


def test_exact_analyzer_keeps_the_surface_form(os_client, index_alias):
    assert stems(os_client, index_alias, "Menulis berita", analyzer="id_exact") == [
        "menulis",
        "berita",
    ]
