from hubapp.extensions import db


def test_healthz_answers_ok_after_a_database_query(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.data == b"ok"


def test_healthz_is_503_when_the_database_is_gone(app, client, monkeypatch):
    from sqlalchemy.exc import OperationalError

    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("gone"))

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503


def test_home_shows_todays_date_in_chinese(auth, client):
    from hubapp import clock

    auth.login("staff")
    today = clock.today()
    page = client.get("/").get_data(as_text=True)
    assert f"{today.year}年{today.month}月{today.day}日" in page
    assert "工作人员乙" in page


def test_unknown_page_is_a_chinese_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True)
