"""Short articles written for the search tests (our own text), each probing one behaviour."""

from __future__ import annotations

from typing import Any

_URL = "https://contoh-berita.id/uji"


def _article(
    id_: str, title: str, body: str, published_at: str, category: str, **extra: Any
) -> dict[str, Any]:
    return {
        "id": id_,
        "title": title,
        "body": body,
        "published_at": published_at,
        "category": category,
        "url": f"{_URL}/{id_}",
        **extra,
    }


OWN_ARTICLES: list[dict[str, Any]] = [
    # Acronyms: only the expansion here, only the acronym in the next one.
    _article(
        "uji-pemerintah-kota",
        "Pemerintah Kota Blitar Bangun Taman Baca di Setiap Kelurahan",
        "Pemerintah Kota Blitar membangun taman baca di setiap kelurahan "
        "agar anak-anak gemar membaca.",
        "2024-03-02T10:00:00+07:00",
        "BERITA UTAMA / PEMERINTAHAN",
        author="Lestari Handayani",
        tags=["literasi", "blitar"],
    ),
    _article(
        "uji-kpk-saja",
        "KPK Periksa Lima Saksi Kasus Pengadaan Alat Tulis",
        "KPK memeriksa lima saksi dalam kasus pengadaan alat tulis kantor di sebuah dinas.",
        "2024-03-03T11:00:00+07:00",
        "BERITA UTAMA / HUKRIM",
        author="Agus Salim",
        tags=["kpk"],
    ),
    # Typos: a long place name, and a four-letter one that fuzziness must leave alone.
    _article(
        "uji-mojokerto",
        "Warga Mojokerto Antusias Sambut Pasar Murah Ramadan",
        "Pasar murah di alun-alun Mojokerto diserbu warga sejak pagi. "
        "Harga minyak goreng dan gula lebih rendah.",
        "2024-03-28T09:00:00+07:00",
        "Ekonomi",
        tags=["pasar murah"],
    ),
    _article(
        "uji-tuwo",
        "Jembatan Gantung Desa Tuwo Akhirnya Diperbaiki",
        "Jembatan gantung penghubung Desa Tuwo dengan pusat kecamatan "
        "diperbaiki setelah lama rusak.",
        "2024-03-05T09:00:00+07:00",
        "Daerah",
    ),
    # Two letters from "pelayanan": a different word, not a typo of it.
    _article(
        "uji-pelajaran",
        "Jam Pelajaran Tambahan untuk Siswa Kelas Enam",
        "Sekolah dasar di Kecamatan Sukamaju menambah jam pelajaran matematika menjelang ujian.",
        "2024-03-06T09:00:00+07:00",
        "Daerah",
    ),
    # WIB day boundaries: late on 31 March and just after midnight on 1 April (both WIB).
    _article(
        "uji-akhir-maret",
        "Ronda Malam Warga Kampung Cempaka Digiatkan",
        "Warga kampung Cempaka menggiatkan ronda malam menjelang akhir bulan.",
        "2024-03-31T23:30:00+07:00",
        "Daerah",
    ),
    _article(
        "uji-awal-april",
        "Ronda Pagi Warga Kampung Cempaka Dimulai",
        "Ronda pagi warga kampung Cempaka dimulai tepat lewat tengah malam.",
        "2024-04-01T00:30:00+07:00",
        "Daerah",
    ),
    # Recency and tie-breaking: same text, different dates / same date.
    _article(
        "uji-layang-lama",
        "Festival Layang-Layang Pantai Kuwaru",
        "Festival layang-layang pantai Kuwaru diikuti peserta dari berbagai kota.",
        "2023-03-01T10:00:00+07:00",
        "Gaya Hidup",
    ),
    _article(
        "uji-layang-baru",
        "Festival Layang-Layang Pantai Kuwaru",
        "Festival layang-layang pantai Kuwaru diikuti peserta dari berbagai kota.",
        "2024-03-29T10:00:00+07:00",
        "Gaya Hidup",
    ),
    _article(
        "uji-kembar-a",
        "Lomba Perahu Naga Sungai Ciliwung",
        "Lomba perahu naga di sungai Ciliwung menarik ribuan penonton.",
        "2024-03-10T10:00:00+07:00",
        "Olahraga",
    ),
    _article(
        "uji-kembar-b",
        "Lomba Perahu Naga Sungai Ciliwung",
        "Lomba perahu naga di sungai Ciliwung menarik ribuan penonton.",
        "2024-03-10T10:00:00+07:00",
        "Olahraga",
    ),
]

XSS = '<script>alert("xss")</script><img src=x onerror=alert(1)>'

XSS_ARTICLE: dict[str, Any] = {
    "id": "uji-xss",
    "title": f"Serangan {XSS} di Judul Berita Banjir",
    "body": f"Banjir merendam kota. {XSS} Warga mengungsi karena banjir & <b>air</b> naik.",
    "published_at": "2024-03-15T10:00:00+07:00",
    "category": f"Peristiwa / {XSS}",
    "author": f"Penulis {XSS}",
    "tags": [XSS, "banjir"],
    # Spaces become "/" (a browser reads <img/src=x/onerror=...> alike): the contract refuses
    # whitespace in URLs.
    "url": f'https://contoh-berita.id/x?a=">{XSS.replace(" ", "/")}',
}

# The same payload as a document written straight into the index, bypassing the article contract
# (an older ingest, a manual fix): search must stay safe without relying on ingestion.
RAW_XSS_DOCUMENT: dict[str, Any] = {
    "id": "uji-xss-mentah",
    "title": f"Dokumen mentah {XSS} tentang banjir",
    "body": f"Isi mentah banjir {XSS} dengan <b>tebal</b> & tanda.",
    # The body's start, where snippets are cut (articles/document.py, lead_of).
    "lead": f"Isi mentah banjir {XSS} dengan <b>tebal</b> & tanda.",
    "category": ["peristiwa", XSS],
    "category_path": f"Peristiwa / {XSS}",
    "published_at": "2024-03-15T11:00:00+07:00",
    "author": XSS,
    "tags": [XSS],
    "url": "javascript:alert(1)",
    "publisher": XSS,
}
