from bench.api import HttpRow


def rows(app):
    return [
        HttpRow("登录页 /login（公开）", "/login"),
        HttpRow("/healthz（查询数据库）", "/healthz"),
        HttpRow("工作人员首页 /", "/", user="staff"),
        HttpRow("企业名录 /directory/enterprises", "/directory/enterprises", user="staff"),
    ]
