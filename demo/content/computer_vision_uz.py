"""The Uzbek (Latin script) translation of Foundations of Computer Vision, through
wagtail-localize.

It mirrors `computer_vision.py` block for block and paragraph for paragraph: the seeder pairs
each translated string with its source segment by position.
"""

from . import computer_vision
from .blocks import callout, code, lesson, module, question, quiz, text
from .titles import TITLES

TITLE, SUMMARY = TITLES["computer-vision"]["uz"]

TRANSLATION = {
    "source": computer_vision.COURSE,
    "locale": "uz",
    "title": TITLE,
    "summary": SUMMARY,
    "description": """
<p>Kompyuter koʻrishi mashinaga fotosuratlar va videolardan maʼlumot olish imkonini beradi:
oʻsimlik kasalligini bargidan aniqlash, eski hujjatlar matnini oʻqish yoki chorrahadagi
transportni sanash. Bu kursda siz tasvirning tuzilishidan boshlab konvolyutsion tarmoqni qurish
va tekshirishgacha boʻlgan yoʻlni bosib oʻtasiz.</p>
""",
    "outcomes": [
        "Tasvirni sonlar massivi sifatida oʻqish va qayta ishlash.",
        "Filtrlar va konvolyutsiya amalini tushuntirish va qoʻllash.",
        "Kichik konvolyutsion tarmoqni oʻqitish va uning sifatini tekshirish.",
    ],
    "modules": [
        module(
            "Tasvir maʼlumot sifatida",
            "images-as-data",
            "<p>Kompyuter tasvirni qanday koʻradi.</p>",
            [
                lesson(
                    "Piksel, kanal va oʻlcham",
                    "pixels-and-channels",
                    body=[
                        text("""
<p>Kompyuter uchun tasvir — sonlar jadvali. Tasvirning har bir nuqtasi — <b>piksel</b> —
rangli tasvirda uchta sondan iborat: qizil, yashil va koʻk rangning yorqinligi (RGB), har biri
0 dan 255 gacha. Oʻlchami 1000×800 boʻlgan fotosuratda 2,4 million son bor. Sunʼiy yoʻldosh
suratlarida qoʻshimcha kanallar ham boʻladi, masalan yaqin infraqizil.</p>
<p>Modelni oʻqitishdan oldin tasvirlar bir xil oʻlchamga keltiriladi, qiymatlar esa 0 dan 1
gacha oraliqqa tushadigan qilib boʻlinadi. Bu modelga tezroq va barqarorroq oʻrganishga yordam
beradi.</p>
"""),
                        code("""
from PIL import Image
import numpy as np

image = Image.open("barg.jpg").convert("RGB").resize((224, 224))
pixels = np.asarray(image, dtype="float32") / 255.0
print(pixels.shape)   # (224, 224, 3): balandlik, kenglik, kanallar
"""),
                    ],
                ),
                lesson(
                    "Filtrlar va konvolyutsiya",
                    "filters-and-convolution",
                    body=[
                        text("""
<p><b>Filtr</b> — sonlarning kichik matritsasi, masalan 3×3, u butun tasvir boʻylab siljib,
har bir joyda qoʻshni piksellarning vaznli yigʻindisini hisoblaydi. Bu amal
<b>konvolyutsiya</b> deb ataladi. Turli filtrlar turli belgilarni ajratib oladi: biri vertikal
qirralarni, boshqasi gorizontal qirralarni, uchinchisi tasvirni xiralashtiradi.</p>
<p>Konvolyutsion neyron tarmoqlarda filtr qiymatlarini inson tanlamaydi: tarmoq ularni
misollardan oʻzi oʻrganadi. Dastlabki qatlamlar qirralar va ranglarni, keyingi qatlamlar esa
shakllar va obyektlarning qismlarini taniydi.</p>
"""),
                        quiz(
                            "Tasvirlar va filtrlar",
                            [
                                question(
                                    "Rangli (RGB) tasvir pikselida nechta qiymat bor?",
                                    [("Uchta", True), ("Bitta", False), ("Oʻnta", False)],
                                ),
                                question(
                                    "Konvolyutsiya nima qiladi?",
                                    [
                                        (
                                            "Filtrni tasvir boʻylab siljitib, qoʻshni "
                                            "piksellarning vaznli yigʻindisini hisoblaydi",
                                            True,
                                        ),
                                        ("Tasvirni matnga aylantiradi", False),
                                        ("Fayl hajmini kichraytiradi", False),
                                    ],
                                ),
                                question(
                                    "Konvolyutsion tarmoqda filtr qiymatlarini kim belgilaydi?",
                                    [
                                        ("Tarmoq ularni misollardan oʻrganadi", True),
                                        ("Dasturchi qoʻlda yozadi", False),
                                        ("Ular doim tasodifiy boʻlib qoladi", False),
                                    ],
                                ),
                            ],
                        ),
                    ],
                ),
            ],
        ),
        module(
            "Konvolyutsion tarmoqlar amalda",
            "cnns-in-practice",
            "<p>Maʼlumot kam boʻlganda tasvirlarni tasniflash.</p>",
            [
                lesson(
                    "Transfer oʻqitish",
                    "transfer-learning",
                    body=[
                        text("""
<p>Katta tarmoqni noldan oʻqitish uchun millionlab fotosurat kerak. Ammo mintaqa vazifalari
uchun, masalan paxta bargi kasalligini aniqlash uchun, odatda bor-yoʻgʻi bir necha ming surat
mavjud boʻladi. Yechim — <b>transfer oʻqitish</b>: tasvirlarning katta toʻplamida oʻqitilgan
tarmoqni olib, faqat uning oxirgi qatlamini oʻz sinflarimiz uchun qaytadan oʻqitamiz.</p>
"""),
                        callout(
                            "<p>Tekshiruv suratlarini oʻqitishda boʻlmagan dalalar va kunlardan "
                            "oling. Aks holda model kasallikni emas, suratning fonini "
                            "oʻrganadi.</p>",
                            "warning",
                        ),
                    ],
                ),
                lesson(
                    "Sifatni baholash va xatolar",
                    "evaluating-vision-models",
                    body=[
                        text("""
<p>Umumiy aniqlik yetarli emas. <b>Xatolar matritsasi</b> model qaysi sinflarni bir-biri bilan
adashtirishini koʻrsatadi. Shuningdek, model xato qilgan suratlarni oʻz koʻzingiz bilan
koʻring: koʻpincha sabab maʼlumotlarning oʻzida boʻladi — notoʻgʻri belgilar, qorongʻi yoki
takroriy suratlar.</p>
"""),
                        quiz(
                            "Tarmoqlar amalda",
                            [
                                question(
                                    "Transfer oʻqitish qachon foydali?",
                                    [
                                        ("Belgilangan suratlar kam boʻlganda", True),
                                        ("Kompyuterda internet boʻlmaganda", False),
                                        ("Faqat oq-qora tasvirlar uchun", False),
                                    ],
                                ),
                                question(
                                    "Xatolar matritsasi nimani koʻrsatadi?",
                                    [
                                        ("Model qaysi sinflarni adashtirishini", True),
                                        ("Modelning oʻqish tezligini", False),
                                        ("Tasvirlarning oʻlchamini", False),
                                    ],
                                ),
                            ],
                        ),
                    ],
                ),
            ],
        ),
    ],
}
