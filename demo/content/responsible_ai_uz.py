"""The Uzbek (Latin script) translation of Responsible AI and Governance, through wagtail-localize.

It mirrors `responsible_ai.py` block for block and paragraph for paragraph: the seeder pairs
each translated string with its source segment by position.
"""

from . import responsible_ai
from .blocks import callout, lesson, module, question, quiz, text
from .titles import TITLES

TITLE, SUMMARY = TITLES["responsible-ai-governance"]["uz"]

TRANSLATION = {
    "source": responsible_ai.COURSE,
    "locale": "uz",
    "title": TITLE,
    "summary": SUMMARY,
    "description": """
<p>Sunʼiy intellekt tizimlari kimga kredit berilishini, qaysi dalaga birinchi boʻlib suv
berilishini va qaysi xabar firibgarlik deb belgilanishini hal qiladi. Bu kurs muhandislar va
rahbarlarga shunday tizim ishga tushirilishidan oldin toʻgʻri savollar berish va u ishlayotgan
paytda ularga javob berishda davom etish uchun vositalar beradi.</p>
""",
    "outcomes": [
        "Sunʼiy intellekt tizimi kimga taʼsir qilishini va qanday zarar yetkazishi mumkinligini "
        "aniqlash.",
        "Odamlar guruhlari oʻrtasidagi xatolar chastotasidagi farqlarni oʻlchash.",
        "Model oʻqitiladigan maʼlumotlarga shaxsiy maʼlumotlarni himoya qilish tamoyillarini "
        "qoʻllash.",
        "Taʼsirni baholash hujjati va inson nazorati rejasini yozish.",
    ],
    "modules": [
        module(
            "Zarar, adolat va tarafkashlik",
            "harms-and-fairness",
            "<p>Adolatsizlik tizimga qayerdan kiradi va uni qanday oʻlchash mumkin.</p>",
            [
                lesson(
                    "Tizim kimga va qanday taʼsir qiladi",
                    "who-is-affected",
                    body=[
                        text("""
<p>Har qanday baholashni modeldan emas, odamlardan boshlang. Tizim taʼsir qiladigan barchani
sanab chiqing: uning natijalarini koʻradigan foydalanuvchilarni, u haqida qaror qabul
qiladigan odamlarni va uning natijalari asosida harakat qilishi kerak boʻlgan xodimlarni. Har
bir guruh uchun tizim u yoki bu tomonga xato qilsa nima boʻlishini soʻrang.</p>
<p>Qishloq tumanlaridan kelgan arizachilarni notoʻgʻri rad etadigan kredit skoring modeli
ularni notoʻgʻri maʼqullaydigan modeldan boshqacha zarar yetkazadi. Birinchisi odamlarni
xizmatdan mahrum qiladi; ikkinchisi ularni qarzga botirishi mumkin. Metrika tanlanishidan oldin
zararning ikkala turi ham nomlanishi kerak.</p>
"""),
                        callout(
                            "<p>Tizim oʻrtacha hisobda aniq boʻlsa ham zarar yetkazishi mumkin: "
                            "zarar u eng yomon xizmat koʻrsatadigan odamlarga toʻplanadi.</p>",
                            "warning",
                        ),
                    ],
                ),
                lesson(
                    "Tarafkashlikni qanday oʻlchash kerak",
                    "measuring-bias",
                    body=[
                        text("""
<p>Tarafkashlik tizimga baʼzi guruhlar kam aks etgan maʼlumotlar, oʻtmishdagi qarorlarni
takrorlaydigan yorliqlar va bilvosita belgilar orqali kiradi — tuman yoki familiya etnik
mansublik oʻrnini bosishi mumkin. Uni topish uchun guruhlar oʻrtasidagi xatolar chastotasini
solishtiring: har bir hududda, til yoki jins boʻyicha talablarga mos arizachilarning qancha
qismi rad etilganini.</p>
<p>Adolatning turli mezonlari bir-biriga zid kelishi mumkin, shuning uchun tanlov — yozib
qoʻyilishi va asoslanishi kerak boʻlgan siyosiy qaror. Hech qachon yoʻl qoʻyib boʻlmaydigan
yagona narsa — umuman oʻlchamaslik.</p>
"""),
                        quiz(
                            "Zarar va tarafkashlik",
                            [
                                question(
                                    "Taʼsirni baholash nimadan boshlanishi kerak?",
                                    [
                                        ("Tizim taʼsir qiladigan odamlardan", True),
                                        ("Modelning arxitekturasidan", False),
                                        ("Uskunalar uchun byudjetdan", False),
                                    ],
                                ),
                                question(
                                    "Himoyalangan xususiyatning bilvosita belgisi nima boʻlishi "
                                    "mumkin?",
                                    [
                                        ("Yashash tumani", True),
                                        ("Soʻrov kelgan vaqt", False),
                                        ("Model versiyasining raqami", False),
                                    ],
                                ),
                                question(
                                    "Model guruhlarga turlicha munosabatda boʻlishini qanday "
                                    "aniqlash mumkin?",
                                    [
                                        (
                                            "Guruhlardagi xatolar chastotasini solishtirish",
                                            True,
                                        ),
                                        ("Faqat umumiy aniqlikni tekshirish", False),
                                        ("Modelning oʻzidan soʻrash", False),
                                    ],
                                ),
                            ],
                        ),
                    ],
                ),
            ],
        ),
        module(
            "Maxfiylik va hisobdorlik",
            "privacy-and-accountability",
            "<p>Shaxsiy maʼlumotlardan qonuniy foydalanish va qarorni inson qoʻlida qoldirish.</p>",
            [
                lesson(
                    "Shaxsiy maʼlumotlar va rozilik",
                    "personal-data",
                    body=[
                        text("""
<p>Markaziy Osiyo mamlakatlarining shaxsiy maʼlumotlarni himoya qilish toʻgʻrisidagi qonunlari
umumiy tamoyillarga asoslanadi: maʼlumotlarni eʼlon qilingan maqsad uchun yigʻish, shu maqsad
talab qilganidan ortiq yigʻmaslik, kerakli muddatdan uzoq saqlamaslik va ularni himoya qilish.
Hisob-kitob uchun yigʻilgan maʼlumotlar toʻplamidan marketing modelini oʻqitish uchun shunchaki
qayta foydalanib boʻlmaydi.</p>
<p>Oʻqitishdan oldin bevosita identifikatorlarni — ismlar, telefon va pasport raqamlarini —
oʻchiring yoki almashtiring hamda qolgan maydonlar birgalikda baribir shaxsni aniqlashga imkon
bermasligini tekshiring.</p>
"""),
                    ],
                ),
                lesson(
                    "Inson nazorati va shikoyat qilish",
                    "oversight-and-redress",
                    body=[
                        text("""
<p>Odamlarga taʼsir qiladigan har bir tizimning tayinlangan egasi, qarordan shikoyat qilish
yoʻli va uni bekor qilish huquqiga ega odami boʻlishi kerak. Nazorat tekshiruvchida model bilan
rozi boʻlmaslik uchun vaqt, maʼlumot va vakolat boʻlgandagina haqiqiy boʻladi.</p>
<p>Shikoyat kelib tushganda voqealar rivojini tiklash mumkin boʻlishi uchun qarorlar va model
versiyalari jurnalini yuriting. Tizimni muntazam qayta koʻrib chiqing: maʼlumotlar oʻzgaradi,
oʻtgan yili adolatli boʻlgan model endi adolatli boʻlmasligi mumkin.</p>
"""),
                        quiz(
                            "Maxfiylik va nazorat",
                            [
                                question(
                                    "Hisob-kitob maʼlumotlaridan marketing modeli uchun "
                                    "foydalanmoqchi. Maqsadni cheklash tamoyili nimani talab "
                                    "qiladi?",
                                    [
                                        ("Avval yangi maqsad uchun qonuniy asos kerak", True),
                                        ("Hech narsa: maʼlumotlar allaqachon yigʻilgan", False),
                                        ("Faqat maʼlumotlarni shifrlash", False),
                                    ],
                                ),
                                question(
                                    "Inson nazorati qachon haqiqiy boʻladi?",
                                    [
                                        (
                                            "Tekshiruvchida model qarorini bekor qilish uchun "
                                            "vaqt, maʼlumot va vakolat boʻlganda",
                                            True,
                                        ),
                                        (
                                            "Inson har bir natijada «maʼqullash» tugmasini "
                                            "bosganda",
                                            False,
                                        ),
                                        ("Modelning manba kodi ochiq boʻlganda", False),
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
