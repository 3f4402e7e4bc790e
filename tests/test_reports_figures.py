"""The centre's figures: the demo tells the article's numbers, every figure equals the list it links
to, coverage is exact, and an empty database shows zeros with the way to fill it."""

from datetime import date, timedelta

from factories import directory, party
from reports_checks import check_against_lists, check_year_against_domains, listed

from hubapp import clock
from hubapp.blueprints.party import organisations
from hubapp.blueprints.reports.figures import centre_figures
from hubapp.blueprints.reports.periods import Period
from hubapp.database import atomic


def demo_login(client) -> None:
    """As the demo's staff member (the ``auth`` fixture's users would clash with the demo's)."""
    assert client.post("/login", data={"username": "staff", "password": "demo-2026"}).status_code == 303


def figures_of(app, slug: str, today: date | None = None):
    with app.test_request_context():
        return centre_figures(Period.parse(slug), today)


def test_the_demo_figures_tell_the_article_and_equal_their_lists(app, client, demo):
    demo_login(client)
    today = clock.today()
    year = figures_of(app, str(today.year))
    assert year.party_coverage_regulated.text == "9/9"
    assert year.party_coverage_regulated.percent == 100
    assert year.financing.text == "650" and year.financing.unit == "万元"
    assert year.financed_names == ["汇科工控", "国泰碳纤维"]
    assert year.jobs.value == 8
    assert year.placement_person_times.value >= 3000 and year.trained.value >= 100
    assert year.enterprises.value == 48 and year.grids.value == 12
    assert year.counted_until == today
    check_year_against_domains(year)
    for slug in (str(today.year), Period.containing("quarter", today).slug, Period.containing("month", today).slug):
        check_against_lists(client, figures_of(app, slug))


def test_an_empty_database_shows_zeros_and_where_to_add(app, client, users, auth):
    auth.login("staff")
    figures = figures_of(app, "2026")
    assert figures.demands_collected.value == 0 and figures.financing.text == "0"
    assert figures.satisfaction.text == "—" and figures.party_coverage_regulated.text == "0/0"
    assert figures.financed_names == []
    check_against_lists(client, figures)


def test_coverage_counts_each_enterprise_a_joint_branch_covers_and_none_of_a_dissolved_one(app, users):
    firms = [directory.enterprise(f"威海覆盖测试{i}有限公司", f"覆盖{i}") for i in range(5)]
    with atomic():
        for firm in firms[:4]:
            firm.above_designated_size = True
    joint = party.organisation("蓝谷联合党支部", firms[:3])
    party.organisation("覆盖3党支部", [firms[3]])
    figures = figures_of(app, "2026")
    assert (figures.party_coverage_regulated.text, figures.party_coverage_all.text) == ("4/4", "4/5")
    with atomic():
        organisations.set_active(None, joint, False, "企业迁出")
    figures = figures_of(app, "2026")
    assert (figures.party_coverage_regulated.text, figures.party_coverage_all.text) == ("1/4", "1/5")
    assert figures.party_coverage_regulated.percent == 25


def test_a_period_not_yet_begun_counts_nothing(app, client, demo):
    demo_login(client)
    today = clock.today()
    ahead = Period.containing("month", today).following()
    figures = figures_of(app, ahead.slug, today)
    assert figures.demands_collected.value == 0 and figures.sessions_held.value == 0
    assert figures.counted_until == ahead.start - timedelta(days=1)
    assert listed(client, figures.demands_collected.link) == 0
