"""The title and summary of every demo program and course in each of the other six languages.

Keyed by page slug, then language code: (title, summary). The original language of a page is
left out; its own data module holds it. Whole-course translations (e.g. `responsible_ai_kk.py`)
take their title and summary from here, so a page reads the same in the catalogue and on its own
translated page. Uzbek is written in Latin script with the modifier letters oʻ gʻ (U+02BB) and
the tutuq belgisi ʼ (U+02BC).
"""

TITLES = {
    "applied-ai-sustainable-development": {
        "ru": (
            "Прикладной ИИ для устойчивого развития Центральной Азии",
            "Совместная программа четырёх университетов: программирование, машинное обучение и "
            "ответственный ИИ применительно к языкам, полям и рекам региона.",
        ),
        "tg": (
            "Зеҳни сунъии амалӣ барои рушди устувори Осиёи Марказӣ",
            "Барномаи муштараки чор донишгоҳ: барномасозӣ, омӯзиши мошинӣ ва зеҳни сунъии "
            "масъулиятнок, ки ба забонҳо, киштзорҳо ва дарёҳои минтақа татбиқ мешаванд.",
        ),
        "kk": (
            "Орталық Азияның тұрақты дамуына арналған қолданбалы ЖИ",
            "Төрт университеттің бірлескен бағдарламасы: бағдарламалау, машиналық оқыту және "
            "жауапты ЖИ — аймақтың тілдеріне, егістіктері мен өзендеріне қолданылады.",
        ),
        "uz": (
            "Markaziy Osiyoning barqaror rivojlanishi uchun amaliy sunʼiy intellekt",
            "Toʻrt universitetning qoʻshma dasturi: dasturlash, mashinaviy oʻqitish va "
            "masʼuliyatli sunʼiy intellekt — mintaqaning tillari, dalalari va daryolariga tatbiq "
            "etiladi.",
        ),
        "ky": (
            "Борбордук Азиянын туруктуу өнүгүүсү үчүн колдонмо ЖИ",
            "Төрт университеттин биргелешкен программасы: программалоо, машиналык окутуу жана "
            "жоопкерчиликтүү ЖИ — аймактын тилдерине, талааларына жана дарыяларына колдонулат.",
        ),
        "zh-hans": (
            "面向中亚可持续发展的应用人工智能",
            "四所大学联合开设的项目：编程、机器学习与负责任的人工智能，"
            "应用于本地区的语言、农田和河流。",
        ),
    },
    "python-for-data-science": {
        "ru": (
            "Python для науки о данных",
            "Загружайте, очищайте, анализируйте и визуализируйте реальные данные региона с "
            "помощью Python, pandas и Matplotlib — в блокнотах, которые другие смогут "
            "перезапустить.",
        ),
        "tg": (
            "Python барои илми маълумот",
            "Маълумоти воқеии минтақаро бо Python, pandas ва Matplotlib бор кунед, тоза кунед, "
            "таҳлил кунед ва дар графикҳо нишон диҳед — дар дафтарҳое, ки дигарон аз нав иҷро "
            "карда метавонанд.",
        ),
        "kk": (
            "Деректер ғылымына арналған Python",
            "Аймақтың нақты деректерін Python, pandas және Matplotlib арқылы жүктеп, тазалап, "
            "талдап, графикке түсіріңіз — басқалар қайта іске қоса алатын блокноттарда.",
        ),
        "uz": (
            "Maʼlumotlar fani uchun Python",
            "Mintaqaning haqiqiy maʼlumotlarini Python, pandas va Matplotlib yordamida yuklang, "
            "tozalang, tahlil qiling va grafikda tasvirlang — boshqalar qayta ishga tushira "
            "oladigan daftarlarda.",
        ),
        "ky": (
            "Маалымат илими үчүн Python",
            "Аймактын чыныгы маалыматтарын Python, pandas жана Matplotlib менен жүктөп, тазалап, "
            "талдап, графикке түшүрүңүз — башкалар кайра иштете ала турган блокноттордо.",
        ),
        "zh-hans": (
            "面向数据科学的 Python",
            "使用 Python、pandas 和 Matplotlib 加载、清洗、分析并可视化本地区的真实数据，"
            "并写成他人可以重新运行的笔记本。",
        ),
    },
    "ml-foundations": {
        "en": (
            "Foundations of Machine Learning",
            "Supervised learning from framing the problem to evaluating the model: regression, "
            "classification, overfitting and honest quality metrics.",
        ),
        "tg": (
            "Асосҳои омӯзиши мошинӣ",
            "Омӯзиш бо муаллим аз гузоштани масъала то арзёбии модел: регрессия, тасниф, аз ҳад "
            "зиёд омӯхтан ва нишондиҳандаҳои боинсофи сифат.",
        ),
        "kk": (
            "Машиналық оқыту негіздері",
            "Мұғаліммен оқыту — есептің қойылуынан модельді бағалауға дейін: регрессия, жіктеу, "
            "шамадан тыс оқыту және сапаның адал метрикалары.",
        ),
        "uz": (
            "Mashinaviy oʻqitish asoslari",
            "Nazorat ostida oʻqitish — masalani qoʻyishdan modelni baholashgacha: regressiya, "
            "tasniflash, ortiqcha moslashish va sifatning halol koʻrsatkichlari.",
        ),
        "ky": (
            "Машиналык окутуунун негиздери",
            "Мугалим менен окутуу — маселени коюудан моделди баалоого чейин: регрессия, "
            "классификация, ашыкча үйрөнүү жана сапаттын чынчыл көрсөткүчтөрү.",
        ),
        "zh-hans": (
            "机器学习基础",
            "监督学习：从问题定义到模型评估，涵盖回归、分类、过拟合以及可靠的质量指标。",
        ),
    },
    "responsible-ai-governance": {
        "ru": (
            "Ответственный ИИ и управление",
            "Справедливость, приватность и подотчётность на практике: как оценить систему ИИ до "
            "того, как она повлияет на людей, и кто отвечает за неё потом.",
        ),
        "tg": (
            "Зеҳни сунъии масъулиятнок ва идоракунӣ",
            "Адолат, махфият ва ҳисоботдиҳӣ дар амал: системаи зеҳни сунъиро пеш аз он ки ба "
            "одамон таъсир расонад, чӣ тавр арзёбӣ кардан ва баъдан барои он кӣ ҷавобгар аст.",
        ),
        "kk": (
            "Жауапты ЖИ және басқару",
            "Әділдік, құпиялылық және есептілік іс жүзінде: ЖИ жүйесін адамдарға әсер етпей тұрып "
            "қалай бағалау керек және кейін ол үшін кім жауап береді.",
        ),
        "uz": (
            "Masʼuliyatli sunʼiy intellekt va boshqaruv",
            "Adolat, maxfiylik va hisobdorlik amalda: sunʼiy intellekt tizimini odamlarga taʼsir "
            "qilishidan oldin qanday baholash va keyin u uchun kim javob berishi.",
        ),
        "ky": (
            "Жоопкерчиликтүү ЖИ жана башкаруу",
            "Адилеттүүлүк, купуялык жана отчеттуулук иш жүзүндө: ЖИ системасын адамдарга таасир "
            "этээрден мурун кантип баалоо жана кийин ал үчүн ким жооп берет.",
        ),
        "zh-hans": (
            "负责任的人工智能与治理",
            "公平、隐私与问责的实践：如何在人工智能系统影响人们之前对其进行评估，"
            "以及之后由谁为它负责。",
        ),
    },
    "nlp-central-asian-languages": {
        "ru": (
            "Обработка естественного языка для языков Центральной Азии",
            "Обработка текстов на таджикском, казахском, узбекском и кыргызском: письменности и "
            "кодировки, морфология, небольшие корпуса и честная оценка языковых инструментов.",
        ),
        "tg": (
            "Коркарди забони табиӣ барои забонҳои Осиёи Марказӣ",
            "Коркарди матнҳои тоҷикӣ, қазоқӣ, ӯзбекӣ ва қирғизӣ: хатҳо ва рамзгузориҳо, "
            "морфология, корпусҳои хурд ва арзёбии боинсофи абзорҳои забонӣ.",
        ),
        "kk": (
            "Орталық Азия тілдеріне арналған табиғи тілді өңдеу",
            "Тәжік, қазақ, өзбек және қырғыз мәтіндерін өңдеу: жазу жүйелері мен кодтаулар, "
            "морфология, шағын корпустар және тіл құралдарын адал бағалау.",
        ),
        "uz": (
            "Markaziy Osiyo tillari uchun tabiiy tilni qayta ishlash",
            "Tojik, qozoq, oʻzbek va qirgʻiz tilidagi matnlarni qayta ishlash: yozuvlar va "
            "kodlashlar, morfologiya, kichik korpuslar hamda til vositalarini halol baholash.",
        ),
        "ky": (
            "Борбордук Азия тилдери үчүн табигый тилди иштетүү",
            "Тажик, казак, өзбек жана кыргыз тилиндеги тексттерди иштетүү: жазуулар жана "
            "коддоолор, морфология, чакан корпустар жана тил куралдарын чынчыл баалоо.",
        ),
        "zh-hans": (
            "中亚语言的自然语言处理",
            "处理塔吉克语、哈萨克语、乌兹别克语和吉尔吉斯语文本：文字与编码、形态学、"
            "小型语料库，以及对语言工具的可靠评估。",
        ),
    },
    "ai-agriculture-water": {
        "en": (
            "AI for Agriculture and Water Resources",
            "Satellite imagery, river-flow forecasting and irrigation planning: machine learning "
            "for the fields and rivers of the Amu Darya and Syr Darya basins.",
        ),
        "tg": (
            "Зеҳни сунъӣ барои кишоварзӣ ва захираҳои об",
            "Аксҳои моҳвораӣ, пешгӯии ҷараёни дарёҳо ва банақшагирии обёрӣ: омӯзиши мошинӣ "
            "барои киштзорҳо ва дарёҳои ҳавзаи Амударё ва Сирдарё.",
        ),
        "kk": (
            "Ауыл шаруашылығы мен су ресурстарына арналған ЖИ",
            "Спутниктік суреттер, өзен ағынын болжау және суаруды жоспарлау: Әмудария мен "
            "Сырдария алаптарының егістіктері мен өзендеріне арналған машиналық оқыту.",
        ),
        "uz": (
            "Qishloq xoʻjaligi va suv resurslari uchun sunʼiy intellekt",
            "Sunʼiy yoʻldosh suratlari, daryo oqimini prognozlash va sugʻorishni rejalashtirish: "
            "Amudaryo va Sirdaryo havzalaridagi dalalar va daryolar uchun mashinaviy oʻqitish.",
        ),
        "ky": (
            "Айыл чарба жана суу ресурстары үчүн ЖИ",
            "Спутниктик сүрөттөр, дарыя агымын божомолдоо жана сугатты пландоо: Амударыя жана "
            "Сырдарыя алаптарынын талааларына жана дарыяларына арналган машиналык окутуу.",
        ),
        "zh-hans": (
            "面向农业与水资源的人工智能",
            "卫星影像、河流径流预测与灌溉规划：面向阿姆河和锡尔河流域农田与河流的机器学习。",
        ),
    },
    "computer-vision": {
        "en": (
            "Foundations of Computer Vision",
            "Images as data, filters and convolutional networks: from the pixel to classifying "
            "photos of fields and documents.",
        ),
        "ru": (
            "Основы компьютерного зрения",
            "Изображение как данные, фильтры и свёрточные сети: от пикселя до классификации "
            "снимков полей и документов.",
        ),
        "kk": (
            "Компьютерлік көру негіздері",
            "Сурет дерек ретінде, сүзгілер және конволюциялық желілер: пикселден егістік пен "
            "құжат суреттерін жіктеуге дейін.",
        ),
        "uz": (
            "Kompyuter koʻrishi asoslari",
            "Tasvir maʼlumot sifatida, filtrlar va konvolyutsion tarmoqlar: pikseldan dalalar va "
            "hujjatlar suratlarini tasniflashgacha.",
        ),
        "ky": (
            "Компьютердик көрүүнүн негиздери",
            "Сүрөт маалымат катары, чыпкалар жана конволюциялык тармактар: пикселден "
            "талаалардын жана документтердин сүрөттөрүн классификациялоого чейин.",
        ),
        "zh-hans": (
            "计算机视觉基础",
            "把图像当作数据、滤波器与卷积神经网络：从像素到对农田和文档照片进行分类。",
        ),
    },
}

# The course whose source is revised after it was translated, so that the teaching dashboard
# shows its translations as outdated: its English summary now also names transliteration.
OUTDATED = {
    "slug": "nlp-central-asian-languages",
    "summary": (
        "Process Tajik, Kazakh, Uzbek and Kyrgyz text: scripts, encodings and transliteration "
        "between them, morphology, small corpora, and honest evaluation of language tools."
    ),
}
