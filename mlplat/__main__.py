from mlplat.cli import app

app(prog_name="mlplat")
