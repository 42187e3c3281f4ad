"""`fangkong`: one command for the whole platform, with the settings preset.

    fangkong demo [--no-serve]   build the demo county (and serve it)
    fangkong init                create or upgrade the database and reference data
    fangkong serve [--port N]    run the web server and the background worker
    ...

Every Django management command works behind it too (`fangkong migrate`, `fangkong shell`).
"""

from __future__ import annotations

import os
import sys

COMMANDS = [
    (
        "demo",
        "建立演示县数据库（宁阳县样例）并启动服务；--no-serve 只建库",
        "Build the demo county and serve it; --no-serve only builds",
    ),
    (
        "init",
        "建立或升级数据库并载入基础数据（可重复执行）",
        "Create or upgrade the database and load reference data (idempotent)",
    ),
    (
        "serve",
        "启动网页服务（gunicorn）和后台任务进程；--port 端口",
        "Run the web server (gunicorn) and the background worker",
    ),
    ("createuser", "新建账号并指定角色和管辖范围", "Create a user with a role and jurisdiction"),
    (
        "otp",
        "二次验证：otp status|reset 用户名 [--reason 原因]；otp code 演示账号",
        "Two-factor sign-in: show or reset a user's (audited); a demo account's current code",
    ),
    (
        "check",
        "检查配置；--deploy 检查生产部署设置",
        "Check the configuration; --deploy for production settings",
    ),
    (
        "report",
        "生成报告：report daily --date YYYY-MM-DD -o 日报.docx（另附 Excel 附表）",
        "Reports: the daily report (.docx) and its .xlsx annex",
    ),
    (
        "import",
        "导入上级推送名单：import returnees 文件 [--dry-run] [--all-or-nothing]",
        "Import a pushed list of returnees (.xlsx, .xls, .ods, .csv)",
    ),
    (
        "roles",
        "列出角色及其权限（--markdown 输出 docs/roles.md）",
        "List roles and what each may do",
    ),
]


RUNNING_ROLES = {"db_worker": "worker", "runserver": "runserver"}


def print_help() -> None:
    print("fangkong — 疫情防控指挥平台 / epidemic prevention and control command platform\n")
    print("用法 Usage: fangkong <命令 command> [选项 options]\n")
    width = max(len(name) for name, _zh, _en in COMMANDS)
    for name, zh, en in COMMANDS:
        print(f"  {name.ljust(width)}  {zh}")
        print(f"  {' ' * width}  {en}")
    print(
        "\n每个命令的选项：fangkong <命令> --help。"
        "\nDjango 的管理命令同样可用（fangkong migrate、fangkong shell、fangkong help 列出全部）。"
        "\nOptions of a command: fangkong <command> --help. Every Django management command works "
        "too (`fangkong help` lists them all)."
        "\n\n配置通过环境变量 FANGKONG_*（见 README）。Configuration: FANGKONG_* environment variables."
    )


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    if len(argv) < 2 or argv[1] in {"-h", "--help"}:
        print_help()
        return
    from django.core.management import execute_from_command_line

    if argv[1] in RUNNING_ROLES:
        # The task worker and the development server say they run, like the web processes
        # (fangkong/wsgi.py), so that `restore` refuses beside them (core/running.py).
        import django

        from fangkong.core.running import register

        django.setup()
        register(RUNNING_ROLES[argv[1]])
    execute_from_command_line(["fangkong", *argv[1:]])


if __name__ == "__main__":
    main()
