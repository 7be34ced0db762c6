"""What the bundled report is known to contain: the numbers tests hold the library to on that report.

Every number here was counted on ``data/raw/2018_district_qingshan.txt`` by hand or by an
independent means (a plain string count, the hand annotation in ``data/annotations/``), never read
off the library's output.  They hold for this report only: a test that imports one of them tests
the library on the bundled report; the general behaviour is tested on constructed reports and on
the development corpus.
"""

#: SHA-256 of the raw file (also stated in data/README.md).
SHA256 = "ce26d75f0f5c6732136fce527735984e3b55e3bfd13236670395ded9b7cb40f4"

#: The chapters: title, role, number of sections.
CHAPTERS = [("2017年工作回顾", "review", 10), ("2018年主要任务", "tasks", 7)]

#: The cleaner's findings: a novel's title appended twice by a scraper site, 18 masked spans.
SPAM = {"侯卫东官场笔记": 2}
MASKED_SPANS = 18

#: Occurrences of policy terms in the cleaned text (``text.count``), each one token after segmentation.
TERM_COUNTS = {"招商引资": 9, "长江大保护": 7, "七军会": 6, "一般公共预算收入": 3, "社零总额": 2, "红色物业": 2}

#: The hand annotation's headline figures: 12 results of 2017 (three of them estimates; new jobs
#: since the general definition of data/annotations/indicators_guide.md, version 1.1) and the five
#: targets of 2018, by indicator.
HEADLINES = 17
HEADLINE_RESULTS = 12
ESTIMATED_RESULT_VALUES = {8, 10, 9}
TARGETS_2018 = {"地区生产总值": 5, "固定资产投资": 10, "招商引资总额": 10, "社会消费品零售总额": 10,
                "一般公共预算收入": 10}
