"""docs/roles.md, generated from the role table (accounts/roles.py)."""

from __future__ import annotations

from django.utils import translation

from fangkong.accounts.roles import PERMISSIONS, ROLE_TABLE, SCOPE_LABELS, Role, role_perms


def roles_markdown() -> str:
    with translation.override("zh-hans"):
        lines = [
            "# 角色与权限 Roles and permissions",
            "",
            "由 `fangkong roles --markdown` 从 `src/fangkong/accounts/roles.py` 生成；测试会检查本文件与代码一致。",
            "Generated from `src/fangkong/accounts/roles.py` by `fangkong roles --markdown`; the test",
            "suite fails if this file and the code disagree.",
            "",
            "## 角色 Roles",
            "",
            "| 角色 | 代码 | 可见范围 | 权限 |",
            "| --- | --- | --- | --- |",
        ]
        for role in Role:
            scope = str(ROLE_TABLE[role]["scope"])
            perms = "、".join(sorted(role_perms(role))) or "—"
            lines.append(f"| {role.label} | `{role.value}` | {SCOPE_LABELS[scope]} | {perms} |")
        lines += ["", "## 权限 Permissions", "", "| 权限 | 含义 | 角色 |", "| --- | --- | --- |"]
        for perm, meaning in PERMISSIONS.items():
            holders = "、".join(str(r.label) for r in Role if perm in role_perms(r)) or "—"
            lines.append(f"| `{perm}` | {meaning} | {holders} |")
        lines += [
            "",
            "## 管辖范围 Jurisdiction",
            "",
            "- 全县：看到全县记录。",
            "- 本单位及下属单位辖区：派出所看到其辖区乡镇街道的人员和案件，其他派出所的记录既不出现在列表中，按编号访问也答复“未找到”。",
            "- 本检查站登记的记录：检查站民警和设备令牌看到本检查站的通行登记和乘车人员（姓名、电话按登记时所填），看不到人员档案；登记一个身份证号不会使其看到该人员的档案、其他检查站的通行记录或隔离管控信息，也不会改写该人员档案。设备令牌只能发给安排在该检查站的检查站角色用户，只读写该检查站的记录。",
            "- 写入同样受管辖范围限制：人员档案只由其现住地所属派出所（及指挥中心）修改；录入其他辖区已登记人员的证件号码时，只提示“该证件号码已在其他单位辖区登记”，不显示其信息，可申请移交，由对方派出所同意或不同意。",
            "- 本人负责的对象：随访人员只看到分配给自己的随访对象，及其人员档案（可查看，不能修改）。",
            "- 合并重复人员：只能合并两条记录都在本辖区的人员（派出所）；合并留痕，当日可撤销。",
            "- 名单导入：没有身份证号、姓名和电话与其他辖区已登记人员相同的行，与证件号码已在其他辖区登记的行一样，转该人员所属派出所确认（计入查询次数并留痕），导入单位看不到该人员，疑似重复人员只由负责该人员的单位确认；“此行已导入过”只就本辖区单位导入的名单、下发到本县（市、区）的行和本单位可查看的案件判断，其他辖区导入过的行照常处理。",
            "- 审计日志：市（省）级系统中，审计管理员只看到其所属区划内用户（按用户所在单位的区划）的操作记录：县级审计管理员看本县（市、区），市局审计管理员看全市各县；登录失败的记录按所填用户名归属该用户的区划；其他没有操作人的记录（系统任务、命令行、不存在的用户名）属本系统所在区划，只由该级审计管理员查看。县级系统中即全县记录。",
            "",
            "## 个人信息 Personal data",
            "",
            "身份证号、电话和详细住址默认脱敏显示（如 `370921**********3X`、`*********78`），"
            "出生日期和年龄不显示：与地区码并列的出生日期几乎就是完整的身份证号"
            "（规则和计算见 docs/security.md “Disclosure”）。"
            "具有 `people.reveal` 权限的角色可点击“显示完整信息”，每次查看都写入审计日志（谁、何时、看了谁）；"
            "接口和导出同样脱敏，含完整信息的导出仅限该权限并作为一次查看记入审计日志（含行数）。"
            "民警、辅警和“四包一”人员的电话同样脱敏显示：具有该权限的角色在本辖区警力的页面上"
            "点击“显示完整电话”（记入审计日志）；修改警力、“四包一”人员的表单不显示完整电话，"
            "不填则保持原号码（`org.edit` 不含查看完整电话）。"
            "按数字查找只匹配完整的身份证号（或前17位、15位旧号）、电话或证件号码，不匹配号码的末几位；"
            "每人每分钟、每天的查询次数有上限。",
            "",
        ]
    return "\n".join(lines)
