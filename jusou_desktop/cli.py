"""The ``jusou-desktop`` command: the GUI by default, and subcommands for office IT staff.

Passphrases are read without echo, or from ``JUSOU_PASSPHRASE`` (and ``JUSOU_NEW_PASSPHRASE``
for ``passwd``) when set.  Exit status: 0 success, 1 an expected failure (message on stderr in
Japanese), 2 wrong usage, 3 ``check`` found damage, 70 an unexpected error (scrubbed log
written), 130 interrupted.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from jusou_desktop import __version__
from jusou_desktop.crashlog import report_unexpected
from jusou_desktop.domain.errors import JusouError, ValidationError
from jusou_desktop.domain.passphrase import MIN_LENGTH, assess, validate_new
from jusou_desktop.store.database import Database
from jusou_desktop.store.errors import InUseElsewhere

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_DAMAGED, EXIT_UNEXPECTED, EXIT_INTERRUPTED = 0, 1, 2, 3, 70, 130

PASSPHRASE_ENV = "JUSOU_PASSPHRASE"  # noqa: S105 - a variable name, not a secret
NEW_PASSPHRASE_ENV = "JUSOU_NEW_PASSPHRASE"  # noqa: S105


class _JapaneseParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: 使い方が正しくありません: {message}\n")


def _read_secret(prompt: str) -> str:
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(prompt)
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line:
        raise ValidationError(
            f"パスフレーズを読み取れません。端末から実行するか、{PASSPHRASE_ENV} を設定してください。"
        )
    return line.rstrip("\r\n")


def ask_passphrase(env: str = PASSPHRASE_ENV, prompt: str = "パスフレーズ: ") -> str:
    value = os.environ.get(env)
    return value if value is not None else _read_secret(prompt)


def ask_new_passphrase(env: str) -> str:
    """A new passphrase from ``env``, or typed twice; checked against the one policy."""
    value = os.environ.get(env)
    if value is not None:
        return validate_new(value, value)
    print(
        f"新しいパスフレーズを決めてください（{MIN_LENGTH}文字以上。単語を組み合わせると覚えやすく安全です）。",
        file=sys.stderr,
    )
    first = _read_secret("新しいパスフレーズ: ")
    print(f"強さ: {assess(first).strength}（{assess(first).message}）", file=sys.stderr)
    second = _read_secret("もう一度入力してください: ")
    return validate_new(first, second)


def _confirm(question: str) -> bool:
    if sys.stdin is None or not sys.stdin.isatty():
        return False
    answer = input(f"{question} [y/N]: ").strip().lower()
    return answer in ("y", "yes", "はい")


def open_database(path: Path, passphrase: str, take_over: bool) -> Database:
    """Open, offering to take over a lock whose owner is gone (interactive only)."""
    try:
        return Database.open(path, passphrase, take_over_lock=take_over)
    except InUseElsewhere as busy:
        if not take_over and _confirm(f"{busy.message}\n引き継いで開きますか？"):
            return Database.open(path, passphrase, take_over_lock=True)
        raise


# ---- subcommands ---------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    passphrase = ask_new_passphrase(PASSPHRASE_ENV)
    with Database.create(args.path, passphrase, town=args.town or ""):
        pass
    print(f"暗号化データベースを作成しました: {args.path}")
    print("パスフレーズはどこにも保存されていません。忘れると開けなくなるので、安全な場所に控えてください。")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    with open_database(args.path, ask_passphrase(), args.take_over) as db:
        report = db.check()
    print(report.describe())
    return EXIT_OK if report.healthy else EXIT_DAMAGED


def cmd_passwd(args: argparse.Namespace) -> int:
    current = ask_passphrase(prompt="現在のパスフレーズ: ")
    with open_database(args.path, current, args.take_over) as db:
        new = ask_new_passphrase(NEW_PASSPHRASE_ENV)
        db.change_passphrase(new, progress=lambda stage: print(f"… {stage}", file=sys.stderr))
    print("パスフレーズを変更しました。次からは新しいパスフレーズで開いてください。")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from jusou_desktop.demo import create_demo_database, generate_passphrase

    passphrase = os.environ.get(PASSPHRASE_ENV)
    generated = passphrase is None
    if passphrase is None:
        passphrase = generate_passphrase()
    else:
        validate_new(passphrase, passphrase)
    summary = create_demo_database(args.path, passphrase)
    print(f"デモ用データベース（架空の人物のみ）を作成しました: {args.path}")
    print(summary.describe())
    if generated:
        print(f"パスフレーズ: {passphrase}")
    if args.open:
        return _run_gui(args.path, passphrase)
    return EXIT_OK


def cmd_samples(args: argparse.Namespace) -> int:
    from jusou_desktop.samples import write_samples

    out: Path = args.outdir
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jusou-samples-") as work:
        written = write_samples(out, Path(work))
    for path in written:
        print(f"作成: {path}")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from jusou_desktop.domain.ledger_import import ImportKind
    from jusou_desktop.reports.excel_import import guess_header_row, read_sheet

    kind = ImportKind.CASES if args.what == "ledger" else ImportKind.AGENCIES
    header_row = args.header_row or guess_header_row(args.file, args.sheet, kind)
    with open_database(args.path, ask_passphrase(), args.take_over) as db:
        preview = db.imports.preview(kind, args.file, args.sheet, reader=read_sheet, header_row=header_row)
        print(preview.describe())
        # apply() refuses (exit 1, "取り込めません…") if there is any problem; with --dry-run it
        # writes every row and rolls back, so the database is never changed.
        result = db.imports.apply(kind, preview, by=args.by, dry_run=args.dry_run)
    print(result.describe())
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """実績 for a fiscal year (by its starting Western year: 令和6年度 = 2024); no personal data."""
    from jusou_desktop.domain.wareki import format_fiscal_year
    from jusou_desktop.reports.jisseki_xlsx import write_jisseki_xlsx

    if not 2000 <= args.year <= 2100:
        raise ValidationError(f"年度は西暦の開始年で指定してください（令和6年度なら 2024）: {args.year}")
    with open_database(args.path, ask_passphrase(), args.take_over) as db:
        data = db.jisseki.data(args.year)
    write_jisseki_xlsx(data, args.out, template=args.template)  # a template error is a JusouError
    print(f"{format_fiscal_year(args.year)}の実績を書き出しました: {args.out}")
    return EXIT_OK


def cmd_gui(args: argparse.Namespace) -> int:
    return _run_gui(getattr(args, "path", None), None)


def _run_gui(path: Path | None, passphrase: str | None) -> int:
    from jusou_desktop.gui.app import run

    return run(path, passphrase)


# ---- parser and entry point ----------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = _JapaneseParser(
        prog="jusou-desktop",
        description="重層的支援体制整備事業のケース管理（オフライン・暗号化データベース）。"
        "引数なしで画面を起動します。",
        epilog=f"パスフレーズは入力時に表示されません。スクリプトから使う場合は {PASSPHRASE_ENV}"
        f"（passwd の新しいパスフレーズは {NEW_PASSPHRASE_ENV}）に設定できます。",
    )
    parser.add_argument("--version", action="version", version=f"jusou-desktop {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="サブコマンド", parser_class=_JapaneseParser)

    def add(
        name: str, handler: Callable[[argparse.Namespace], int], help_text: str
    ) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=help_text, description=help_text)
        command.set_defaults(handler=handler)
        return command

    gui = add("gui", cmd_gui, "画面を起動します（PATH を指定するとそのデータベースを開きます）")
    gui.add_argument("path", nargs="?", type=Path, metavar="PATH")

    init = add("init", cmd_init, "新しい暗号化データベースを作成します（パスフレーズを2回入力）")
    init.add_argument("path", type=Path, metavar="PATH")
    init.add_argument("--town", help="自治体名（帳票の表題に使います）")

    for name, handler, help_text in (
        ("check", cmd_check, "暗号化と構造の整合性を検査し、結果を表示します"),
        ("passwd", cmd_passwd, "パスフレーズを変更します（途中で止まってもデータは失われません）"),
    ):
        command = add(name, handler, help_text)
        command.add_argument("path", type=Path, metavar="PATH")
        command.add_argument(
            "--take-over", action="store_true", help="使用中の印（ロック）が残っていても引き継いで開きます"
        )

    demo = add("demo", cmd_demo, "架空の人物だけのデモ用データベースを作成します")
    demo.add_argument("path", type=Path, metavar="PATH")
    demo.add_argument("--open", action="store_true", help="作成後に画面で開きます")

    samples = add("samples", cmd_samples, "デモデータから、作成できる帳票・出力の見本をすべて書き出します")
    samples.add_argument("outdir", type=Path, metavar="OUTDIR")

    export = add("export", cmd_export, "町へ報告する実績（年度・月別、個人情報なし）をExcelに書き出します")
    what = export.add_subparsers(dest="what", metavar="種類", required=True, parser_class=_JapaneseParser)
    jisseki = what.add_parser("jisseki", help="年度の実績", description="年度の実績（4月〜3月）")
    jisseki.add_argument("path", type=Path, metavar="DB")
    jisseki.add_argument("--year", type=int, required=True, help="年度の開始年（西暦。令和6年度なら 2024）")
    jisseki.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx", help="書き出すファイル")
    jisseki.add_argument("--template", type=Path, help="町で書式を整えたテンプレート（省略すると同梱のもの）")
    jisseki.add_argument(
        "--take-over", action="store_true", help="使用中の印（ロック）が残っていても引き継いで開きます"
    )

    imp = add(
        "import", cmd_import, "Excelの一覧（.xlsx）を取り込みます（問題が1件でもあれば何も書き込みません）"
    )
    kinds = imp.add_subparsers(dest="what", metavar="種類", required=True, parser_class=_JapaneseParser)
    for name, help_text in (
        ("ledger", "ケース台帳を取り込みます"),
        ("agencies", "関係機関の一覧を取り込みます"),
    ):
        one = kinds.add_parser(name, help=help_text, description=help_text)
        one.add_argument("file", type=Path, metavar="FILE.xlsx")
        one.add_argument("path", type=Path, metavar="DB")
        one.add_argument("--sheet", help="取り込むシートの名前（省略すると最初のシート）")
        one.add_argument("--header-row", type=int, help="見出しの行番号（省略すると自動で探します）")
        one.add_argument(
            "--dry-run", action="store_true", help="確認だけして、データベースには書き込みません"
        )
        one.add_argument("--by", default="", help="取り込んだ人の名前（状態の履歴に残ります）")
        one.add_argument(
            "--take-over", action="store_true", help="使用中の印（ロック）が残っていても引き継いで開きます"
        )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = getattr(args, "handler", cmd_gui)
    try:
        return handler(args)
    except JusouError as exc:
        print(f"エラー: {exc.message}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("中断しました。", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        print(report_unexpected(exc), file=sys.stderr)
        return EXIT_UNEXPECTED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
