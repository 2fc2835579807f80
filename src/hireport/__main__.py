from hireport.cli import app

app()
