from hubapp import create_app

app = create_app()
