"""Python for Data Science — taught in English by Demo Dushanbe Technical University."""

from .blocks import callout, code, lesson, module, question, quiz, text

COURSE = {
    "slug": "python-for-data-science",
    "university": "demo-dtu",
    "co_teaching": ["demo-adu"],
    "language": "en",
    "level": "introductory",
    "ects": "5.0",
    "effort_hours": 45,
    "min_quiz_average": 60,
    "capacity": 400,
    "title": "Python for Data Science",
    "summary": (
        "Load, clean, analyse and plot real regional data with Python, pandas and Matplotlib, "
        "in notebooks that others can rerun."
    ),
    "description": """
<p>Most of the work in any data project happens before a model is trained: finding the data,
reading it correctly, fixing what is broken and understanding what it says. This course teaches
that work with Python, using open data about Central Asia — river flows, crop yields, prices in
regional markets — so that every exercise resembles a task you will meet at work.</p>
<p>No programming experience is assumed beyond school mathematics. By the end you will write
small, tested analysis scripts and share reproducible notebooks.</p>
""",
    "outcomes": [
        "Use Python's core types, functions and modules to automate a data task.",
        "Load CSV and Excel data into pandas, and clean missing or inconsistent values.",
        "Summarise data with grouping and aggregation, and present it in clear charts.",
        "Keep an analysis reproducible with virtual environments, version control and tests.",
    ],
    "modules": [
        module(
            "Python essentials for analysts",
            "python-essentials",
            "<p>The parts of Python that an analyst uses every day, and the habits that keep "
            "scripts correct.</p>",
            [
                lesson(
                    "Why Python, and how to set it up",
                    "why-python",
                    minutes=25,
                    body=[
                        text("""
<p>Python has become the common language of data work for three reasons. It is readable, so a
colleague can check your analysis. It has mature libraries — pandas for tables, NumPy for
numbers, Matplotlib for charts, scikit-learn for machine learning — that are maintained by large
communities. And it runs everywhere: on a laptop in Khujand, on a university server in Almaty,
or on a cloud machine.</p>
<p>Every project should live in its own <b>virtual environment</b>: a folder holding the exact
versions of the libraries that project needs. When you share a project, you share a list of
those versions, and anyone can rebuild the same environment. Without it, an analysis that worked
last year may silently give different numbers after a library update.</p>
"""),
                        code(
                            """
python3 -m venv .venv            # create the environment once per project
source .venv/bin/activate        # on Windows: .venv\\Scripts\\activate
pip install pandas==2.2.3 matplotlib==3.9.2
pip freeze > requirements.txt    # record exact versions for colleagues
""",
                            "bash",
                        ),
                        callout(
                            "<p>Pin exact versions (<code>pandas==2.2.3</code>), not ranges. "
                            "Reproducibility is worth more than the newest release.</p>",
                            "tip",
                        ),
                        text("""
<p>We will write code in two places. <b>Notebooks</b> (Jupyter) are good for exploring: you see a
table or chart right after the code that made it. <b>Scripts</b> (.py files) are good for work
that must run again — monthly reports, data pipelines — because they run top to bottom, every
time, in the same order. A useful habit: explore in a notebook, then move the code that works
into functions in a script.</p>
"""),
                    ],
                ),
                lesson(
                    "Values, collections and functions",
                    "values-collections-functions",
                    minutes=35,
                    body=[
                        text("""
<p>Data arrives as numbers (<code>int</code>, <code>float</code>), text (<code>str</code>) and
truth values (<code>bool</code>). Python groups them in collections: a <b>list</b> is an ordered
sequence, a <b>dict</b> maps keys to values, and a <b>set</b> holds unique items. Choosing the
right one makes code shorter and faster: checking whether a district is in a set of 10,000
districts takes the same time as in a set of ten.</p>
"""),
                        code("""
rainfall_mm = {"Dushanbe": 650, "Khujand": 180, "Kulob": 560}

def wettest(rainfall: dict[str, float]) -> str:
    \"\"\"Return the city with the most annual rainfall.\"\"\"
    return max(rainfall, key=rainfall.get)

print(wettest(rainfall_mm))                    # Dushanbe
dry = [city for city, mm in rainfall_mm.items() if mm < 300]
print(dry)                                     # ['Khujand']
"""),
                        text("""
<p>Put every repeated step in a <b>function</b> with a clear name, typed arguments and a
docstring. Functions can be tested on their own, and a bug fixed in one place is fixed
everywhere. A useful rule: if you copy and paste code a second time, make it a function.</p>
<p>Be careful with floating-point numbers. <code>0.1 + 0.2 == 0.3</code> is <b>False</b> in
Python (and in almost every language), because decimals cannot be stored exactly in binary. Compare
floats with a tolerance, for example <code>math.isclose(a, b)</code>, and use the
<code>decimal</code> module for money.</p>
"""),
                    ],
                ),
                lesson(
                    "Checking your work: errors and tests",
                    "errors-and-tests",
                    minutes=30,
                    body=[
                        text("""
<p>An analysis that runs without an error can still be wrong. Two defences catch most mistakes.
First, <b>fail loudly</b> on bad input: raise an exception with a clear message instead of
continuing with a guessed value. Second, <b>write small tests</b> that check a function on cases
where you know the answer.</p>
"""),
                        code("""
def yield_per_hectare(harvest_tonnes: float, area_ha: float) -> float:
    if area_ha <= 0:
        raise ValueError(f"area must be positive, got {area_ha}")
    return harvest_tonnes / area_ha

def test_yield_per_hectare():
    assert yield_per_hectare(12.0, 4.0) == 3.0

def test_rejects_zero_area():
    import pytest
    with pytest.raises(ValueError):
        yield_per_hectare(5.0, 0)
"""),
                        text("""
<p>Run the tests with <code>pytest</code> every time you change the code. Tests are also
documentation: they show the next reader what the function is supposed to do, including the
edge cases you thought about.</p>
"""),
                        quiz(
                            "Python essentials",
                            [
                                question(
                                    "Why should each project have its own virtual environment?",
                                    [
                                        (
                                            "So the project always runs with the exact library "
                                            "versions it was built with",
                                            True,
                                        ),
                                        ("Because Python runs faster inside one", False),
                                        ("Because pandas cannot be installed globally", False),
                                    ],
                                    "Environments isolate and record versions; they do not make "
                                    "code faster.",
                                ),
                                question(
                                    "Which collection answers 'is this district in the list?' "
                                    "fastest for thousands of items?",
                                    [("A set", True), ("A list", False), ("A string", False)],
                                    "Membership tests on a set take constant time on average.",
                                ),
                                question(
                                    "What does `0.1 + 0.2 == 0.3` return in Python?",
                                    [("False", True), ("True", False), ("An error", False)],
                                    "Binary floating point cannot store 0.1 exactly; compare "
                                    "with math.isclose.",
                                ),
                                question(
                                    "A function gets an area of 0 hectares. What should it do?",
                                    [
                                        ("Raise an error with a clear message", True),
                                        ("Return 0 and continue", False),
                                        ("Return None silently", False),
                                    ],
                                ),
                            ],
                        ),
                    ],
                ),
            ],
        ),
        module(
            "Tables with pandas",
            "tables-with-pandas",
            "<p>Reading, cleaning, summarising and plotting tabular data.</p>",
            [
                lesson(
                    "Loading and inspecting data",
                    "loading-data",
                    minutes=30,
                    body=[
                        text("""
<p>A pandas <b>DataFrame</b> is a table whose columns each have one type. Most data you will
receive comes as CSV or Excel files from statistics agencies, ministries or sensors. The first
five minutes with a new file decide how much trouble it will give you later: look at its shape,
its column types and its missing values before computing anything.</p>
"""),
                        code("""
import pandas as pd

flows = pd.read_csv(
    "vakhsh_daily_flow.csv",
    parse_dates=["date"],
    decimal=",",          # many regional sources use a decimal comma
    encoding="utf-8",
)
print(flows.shape)         # (rows, columns)
print(flows.dtypes)        # is 'flow_m3s' numeric, or text?
print(flows.isna().sum())  # missing values per column
flows.head()
"""),
                        callout(
                            "<p>If a numeric column shows the type <code>object</code>, some "
                            "cells contain text — often a unit, a comma or a dash for "
                            "'no data'. Find them with "
                            "<code>pd.to_numeric(col, errors='coerce').isna()</code>.</p>",
                            "warning",
                        ),
                    ],
                ),
                lesson(
                    "Cleaning: missing values, units and names",
                    "cleaning-data",
                    minutes=40,
                    body=[
                        text("""
<p>Real data is inconsistent. The same district is written <i>Khujand</i>, <i>Khudjand</i> and
<i>Хуҷанд</i>; one station reports flow in m³/s and another in litres per second; a sensor
outage leaves a week of gaps. Cleaning means making these choices explicitly, in code, so that
they can be reviewed and repeated.</p>
<p>For missing values there is no single right answer. Dropping rows is safe when few are
missing at random. Filling with the previous value suits slowly changing measurements such as
reservoir levels. Interpolation suits smooth series like temperature. Whatever you choose,
count how many values you changed and report it.</p>
"""),
                        code("""
names = {"Khudjand": "Khujand", "Хуҷанд": "Khujand"}
flows["station"] = flows["station"].replace(names)

litres = flows["unit"] == "l/s"
flows.loc[litres, "flow_m3s"] = flows.loc[litres, "flow_m3s"] / 1000

before = flows["flow_m3s"].isna().sum()
flows["flow_m3s"] = flows.groupby("station")["flow_m3s"].transform(
    lambda s: s.interpolate(limit=3)   # fill gaps of at most three days
)
print(f"filled {before - flows['flow_m3s'].isna().sum()} values")
"""),
                    ],
                ),
                lesson(
                    "Summaries and charts",
                    "summaries-and-charts",
                    minutes=35,
                    body=[
                        text("""
<p>Most questions are answered by <b>group, aggregate, compare</b>: average flow per month,
total harvest per region, median price per market. In pandas this is
<code>groupby</code> followed by an aggregation. Then show the result in a chart chosen for the
question: a line for change over time, bars for comparing categories, a scatter plot for the
relation between two measurements.</p>
"""),
                        code("""
monthly = (
    flows.assign(month=flows["date"].dt.month)
    .groupby(["station", "month"])["flow_m3s"]
    .mean()
    .unstack("station")
)
ax = monthly.plot(marker="o", figsize=(8, 4))
ax.set_xlabel("Month")
ax.set_ylabel("Mean flow (m³/s)")
ax.set_title("Seasonal flow of the Vakhsh, by station")
ax.figure.savefig("seasonal_flow.png", dpi=150, bbox_inches="tight")
"""),
                        text("""
<p>Label both axes with units, start bar charts at zero, and write a title that states what
the reader should see. A chart is finished when someone who did not write the code can read it
correctly in ten seconds.</p>
"""),
                        quiz(
                            "Working with pandas",
                            [
                                question(
                                    "A numeric column is read with dtype 'object'. What is the "
                                    "most likely cause?",
                                    [
                                        ("Some cells contain text, such as units or dashes", True),
                                        ("The file is too large for pandas", False),
                                        ("The column has no missing values", False),
                                    ],
                                ),
                                question(
                                    "Which chart best shows how river flow changes over a year?",
                                    [
                                        ("A line chart", True),
                                        ("A pie chart", False),
                                        ("A table of raw values", False),
                                    ],
                                ),
                                question(
                                    "Which statements about filling missing values are true? "
                                    "(choose all that apply)",
                                    [
                                        ("The choice depends on how the measurement behaves", True),
                                        ("You should count and report the values you filled", True),
                                        ("Filling with zero is always safe", False),
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
