"""Official notices (提醒敦促函, 督办单, 整改通知书, 约谈通知书, 交办单, 转办单): facts, privacy rule, rendering."""
from notices.facts import KINDS, Notice, NoticeError, build_notice
from notices.render import RenderedNotice, render

__all__ = ["KINDS", "Notice", "NoticeError", "RenderedNotice", "build_notice", "render"]
