"""Entry points that import a domain module before the app (a job worker, the export child process,
a CLI command) must work: nothing may configure the ORM mappers at import time, before every model
is imported."""

import subprocess
import sys

import pytest

ENTRY_MODULES = ["kamtrain.records.export", "kamtrain.certification.jobs", "kamtrain.accounts.models",
                 "kamtrain.competency.reports", "kamtrain.assessment.bank", "kamtrain.development.generate"]

SCRIPT = """
import importlib, sys
importlib.import_module(sys.argv[1])
from kamtrain import create_app
from kamtrain.accounts.models import user_for_session
from kamtrain.core.db import db
app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
with app.app_context():
    db.create_all()
    assert user_for_session("no such token") is None
"""


@pytest.mark.no_db
@pytest.mark.parametrize("module", ENTRY_MODULES)
def test_importing_a_domain_module_first_works(module, tmp_path):
    result = subprocess.run([sys.executable, "-c", SCRIPT, module], capture_output=True, text=True,
                            env={"KAMTRAIN_INSTANCE_PATH": str(tmp_path), "KAMTRAIN_SECRET_KEY": "x",
                                 "PATH": "/usr/bin:/bin"}, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
