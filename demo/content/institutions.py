"""The demo's institutions, its joint program and its fixed accounts.

Every institution here is invented and flagged `is_demo`; the `.example` web addresses and the
`demo.ilm.test` mail domain are reserved names that cannot reach a real organisation.
"""

UNIVERSITIES = [
    {
        "code": "demo-dtu",
        "name": "Demo Dushanbe Technical University",
        "name_translations": {
            "ru": "Демо Душанбинский технический университет",
            "tg": "Донишгоҳи техникии демо Душанбе",
        },
        "country": "TJ",
        "website": "https://dtu.example",
        "student_prefix": "DTU",
        # The certificate (demo/branding.py): an emblem drawn in this colour, the signature
        # area, and how learners are identified in new credentials, as a registrar would set
        # them on the certificate settings page.
        "logo_colour": "#1f5f8b",
        "signatory": ("Rustam Nazarov", "Rector"),
        "recipient_identification": "name+email-hash",
    },
    {
        "code": "demo-adu",
        "name": "Demo Almaty Digital University",
        "name_translations": {
            "ru": "Демо Алматинский цифровой университет",
            "kk": "Демо Алматы цифрлық университеті",
        },
        "country": "KZ",
        "website": "https://adu.example",
        "student_prefix": "ADU",
        "logo_colour": "#8b2f1f",
        "signatory": ("Aigerim Bekova", "Vice-Rector for Academic Affairs"),
        "recipient_identification": "name",
    },
    {
        "code": "demo-tids",
        "name": "Demo Tashkent Institute of Data Science",
        "name_translations": {
            "ru": "Демо Ташкентский институт науки о данных",
            "uz": "Demo Toshkent maʼlumotlar fani instituti",
        },
        "country": "UZ",
        "website": "https://tids.example",
        "student_prefix": "TIDS",
        "logo_colour": "#2f6b3a",
        "signatory": ("Dilnoza Yusupova", "Director"),
        "recipient_identification": "name",
    },
    {
        "code": "demo-bpu",
        "name": "Demo Bishkek Polytechnic University",
        "name_translations": {
            "ru": "Демо Бишкекский политехнический университет",
            "ky": "Демо Бишкек политехникалык университети",
        },
        "country": "KG",
        "website": "https://bpu.example",
        "student_prefix": "BPU",
        "logo_colour": "#6b4a8b",
        "signatory": ("Bakyt Asanov", "Head of the Registry Office"),
        "recipient_identification": "name",
    },
]

PROGRAM = {
    "slug": "applied-ai-sustainable-development",
    "title": "Applied AI for Sustainable Development in Central Asia",
    "lead": "demo-dtu",
    "partners": ["demo-dtu", "demo-adu", "demo-tids", "demo-bpu"],
    "summary": (
        "A joint program of four universities: programming, machine learning and responsible "
        "AI, applied to the region's languages, farms and rivers."
    ),
    "description": (
        "<p>Central Asia shares rivers, markets and a multilingual population, and it faces "
        "shared problems: water scarcity, climate risk to agriculture, and public services that "
        "must work in Tajik, Kazakh, Uzbek, Kyrgyz and Russian. This program trains engineers "
        "and analysts who can build AI systems for those problems and govern them responsibly.</p>"
        "<p>Each course is taught by one partner university and recognised by all four. Learners "
        "take the four required courses and at least one elective; the credits count towards "
        "the degree at their home university.</p>"
    ),
    "outcomes": [
        "Write clean, reproducible Python for cleaning, analysing and visualising data.",
        "Train, validate and compare supervised learning models, and explain their errors.",
        "Build text-processing pipelines for low-resource Central Asian languages.",
        "Assess an AI system for bias, privacy and legal risk before it is deployed.",
        "Apply machine learning to agriculture, water management or imagery from the region.",
    ],
    # (course slug, required?) in the order learners should take them.
    "courses": [
        ("python-for-data-science", True),
        ("ml-foundations", True),
        ("responsible-ai-governance", True),
        ("nlp-central-asian-languages", True),
        ("ai-agriculture-water", False),
        ("computer-vision", False),
    ],
}

# The password printed for every fixed demo account (development only; see seed_demo --help).
DEMO_PASSWORD = "ilm-demo-2026"  # noqa: S105 - printed on purpose, set only in development

# email, full name, is_superuser, [(role, university code), ...]
ACCOUNTS = [
    ("admin@demo.ilm.test", "Demo Platform Admin", True, []),
    ("instructor.dtu@demo.ilm.test", "Farrukh Nazarov", False, [("instructor", "demo-dtu")]),
    ("instructor.adu@demo.ilm.test", "Aigerim Sadykova", False, [("instructor", "demo-adu")]),
    ("instructor.tids@demo.ilm.test", "Dilnoza Yusupova", False, [("instructor", "demo-tids")]),
    ("instructor.bpu@demo.ilm.test", "Bakyt Osmonov", False, [("instructor", "demo-bpu")]),
    ("editor.dtu@demo.ilm.test", "Zarina Rahimova", False, [("editor", "demo-dtu")]),
    ("editor.adu@demo.ilm.test", "Yerlan Zhaksylykov", False, [("editor", "demo-adu")]),
    ("registrar.dtu@demo.ilm.test", "Gulnora Saidova", False, [("registrar", "demo-dtu")]),
    ("registrar.adu@demo.ilm.test", "Marat Ibraimov", False, [("registrar", "demo-adu")]),
    ("learner@demo.ilm.test", "Sitora Karimova", False, [("learner", "demo-dtu")]),
    # Has completed the joint program: every certificate, and a complete learner record.
    ("graduate@demo.ilm.test", "Jasur Tursunov", False, [("learner", "demo-adu")]),
]

# Given names and family names per country (space-separated), for the generated learners.
# Even positions are men's names and odd ones women's, so a name and family name agree.
NAMES = {
    "TJ": (
        "Firuz Manizha Shahrom Nilufar Daler Parvina Rustam Madina Jamshed Farangis Bahrom "
        "Tahmina Sino Mehrona Iskandar Zebo",
        "Rahimov Safarova Nazarov Karimova Sharipov Davlatova Qodirov Yusufova Mirzoev Saidova "
        "Hakimov Olimova",
    ),
    "KZ": (
        "Aibek Dana Nurlan Aruzhan Yerzhan Madina Daniyar Zhansaya Askar Saule Timur Aliya "
        "Bauyrzhan Kamila Arman Togzhan",
        "Nurlanov Serikova Abenov Tulegenova Zhakupov Bekova Omarov Kassymova Akhmetov Iskakova "
        "Sultanov Mukanova",
    ),
    "UZ": (
        "Sardor Dilnoza Jasur Malika Otabek Shahnoza Bekzod Gulbahor Aziz Nodira Sherzod Kamola "
        "Ulugbek Feruza Javlon Mohira",
        "Tursunov Rakhimova Abdullaev Ismoilova Karimov Yuldasheva Ergashev Nazarova Xolmatov "
        "Qodirova Mirzaev Sobirova",
    ),
    "KG": (
        "Nurbek Aizada Azamat Begimai Emil Cholpon Ulan Aidana Kubat Jyldyz Talant Meerim Bolot "
        "Nazgul Eldiyar Asel",
        "Osmonov Toktogulova Sydykov Asanova Musaev Abdyldaeva Japarov Kadyrova Baktybekov "
        "Usenova Imanaliev Sultanbekova",
    ),
}
