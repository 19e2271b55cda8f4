//! The OpenAPI 3.1 document of the API (`/api/openapi.json`, written by hand and embedded).

use std::collections::HashMap;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{Value as Json_, json};

use crate::auth;

/// `GET /api/openapi.json`.
pub async fn document() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], openapi_document().to_string()).into_response()
}

/// The OpenAPI 3.1 document of the API.
pub fn openapi_document() -> Json_ {
    let err = json!({"description": "错误 {error, message}", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    let period = json!([
        {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "起始日期（默认今年1月1日）"},
        {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "截止日期（默认今天）"}
    ]);
    let mut case_params: Vec<Json_> = [
        ("court", "法院代字"),
        ("type", "类型代字，如 民初"),
        ("class", "案件类别 key，如 civil_first"),
        ("procedure", "适用程序"),
        ("judge", "承办人"),
        ("filed_from", "立案日期起"),
        ("filed_to", "立案日期止"),
        ("closed_from", "结案日期起"),
        ("closed_to", "结案日期止"),
        ("pending", "1 未结 / 0 已结（以今天计）"),
        ("scope", "省、市（中院代字）或法院代字：该范围内的案件"),
        ("over_limit", "1 = 超审限未结（审限规则，按指标目录的审限内结案率范围）"),
        ("near_limit", "1 = 临近审限"),
        ("as_of", "未结、超审限、临近审限所指的日期（默认今天）"),
        ("q", "案号包含"),
        ("page", "页码，从 1 开始"),
        ("per_page", "每页条数（1–500，默认 50）"),
    ]
    .iter()
    .map(|(n, d)| json!({"name": n, "in": "query", "schema": {"type": "string"}, "description": d}))
    .collect();
    case_params.shrink_to_fit();
    let csrf = json!({"name": "X-CSRF-Token", "in": "header", "required": true, "schema": {"type": "string"}, "description": "会话的 CSRF 令牌（GET /api/v1/session）"});
    let mut paths = HashMap::new();
    paths.insert("/api/v1/login", json!({"post": {
        "summary": "登录", "security": [],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["username", "password"], "properties": {"username": {"type": "string"}, "password": {"type": "string"}}}}}},
        "responses": {"200": {"description": "已登录；Set-Cookie 会话", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Session"}}}}, "401": err, "429": err}}}));
    paths.insert("/api/v1/logout", json!({"post": {"summary": "退出登录", "parameters": [csrf], "responses": {"204": {"description": "已退出"}, "401": err, "403": err}}}));
    paths.insert("/api/v1/session", json!({"get": {"summary": "当前用户、角色、法院与 CSRF 令牌", "responses": {"200": {"description": "会话", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Session"}}}}, "401": err}}}));
    paths.insert("/api/v1/metrics", json!({"get": {"summary": "质效指标（indicators.md 的 JSON，限于本人范围）", "parameters": period,
        "responses": {"200": {"description": "{period, previous_period, groups[]}，范围外的法院与法官组不出现", "content": {"application/json": {"schema": {"type": "object"}}}}, "400": err, "401": err}}}));
    let registration = json!({"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Registration"}}}});
    let assignment_body = json!({"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Assignment"}}}});
    paths.insert("/api/v1/cases", json!({"get": {"summary": "案件列表（筛选、分页）", "parameters": case_params,
        "responses": {"200": {"description": "{total, page, per_page, cases[]}", "content": {"application/json": {"schema": {"type": "object"}}}}, "400": err, "401": err, "403": err}},
        "post": {"summary": "立案：案号、繁简分流、分案（立案人员、本院院领导/审管办、管理员）", "parameters": [csrf], "requestBody": registration,
        "responses": {"201": {"description": "{case_number, sequence, procedure, track, triage_reasons[], judge{judge_id,name}, assignment{mode,seed,pool[],excluded[]}, deadline}", "content": {"application/json": {"schema": {"type": "object"}}}},
            "400": {"description": "无法读取的值 {error, message, field, value}"}, "422": {"description": "规则不允许的值 {error, message, field, value}；未写入任何内容"}, "401": err, "403": err}}}));
    paths.insert("/api/v1/cases/preview", json!({"post": {"summary": "立案预览：分流结果、预计案号、法官池及概率（不写入）", "parameters": [csrf], "requestBody": registration,
        "responses": {"200": {"description": "{next_case_number, procedure, track, triage_reasons[], deadline, mode, judge, pool[{judge_id,name,weight,open_cases,chance}], excluded[]}", "content": {"application/json": {"schema": {"type": "object"}}}}, "400": err, "422": err, "401": err, "403": err}}}));
    paths.insert("/api/v1/cases/{number}/reassign", json!({"post": {"summary": "调整分案（本院院领导/审管办、管理员）：随机（原承办法官回避）或指定（须理由）", "parameters": [csrf, {"name": "number", "in": "path", "required": true, "schema": {"type": "string"}, "description": "案号"}], "requestBody": assignment_body,
        "responses": {"200": {"description": "{case_number, judge, assignment}", "content": {"application/json": {"schema": {"type": "object"}}}}, "400": err, "422": err, "401": err, "403": err, "404": err}}}));
    paths.insert("/api/v1/judges", json!({"get": {"summary": "员额法官名册（含在办案件数）", "parameters": [{"name": "court", "in": "query", "schema": {"type": "string"}, "description": "法院代字"}],
        "responses": {"200": {"description": "[{judge_id, name, court, department, case_types[], track, weight, active, open_cases}]", "content": {"application/json": {"schema": {"type": "array"}}}}, "400": err, "401": err, "403": err}}}));
    paths.insert("/api/v1/assignments/stats", json!({"get": {"summary": "指定分案占比（按法院）", "parameters": period,
        "responses": {"200": {"description": "[{court, random, designated, series, designated_share}]", "content": {"application/json": {"schema": {"type": "array"}}}}, "400": err, "401": err, "403": err}}}));
    paths.insert("/api/v1/assignments/stats/monthly", json!({"get": {"summary": "指定分案占比（按法院、月份）", "parameters": period,
        "responses": {"200": {"description": "[{court, month, random, designated, series, designated_share}]", "content": {"application/json": {"schema": {"type": "array"}}}}, "400": err, "401": err, "403": err}}}));
    paths.insert("/api/v1/cases/{number}", json!({"get": {"summary": "案件详情（含原审/后续案件链）", "parameters": [{"name": "number", "in": "path", "required": true, "schema": {"type": "string"}, "description": "案号"}],
        "responses": {"200": {"description": "案件", "content": {"application/json": {"schema": {"type": "object"}}}}, "401": err, "404": {"description": "不存在或不在本人范围内（不区分）"}}}}));
    paths.insert("/api/v1/imports", json!({"post": {"summary": "导入 CSV/XLSX（与命令行相同规则；院领导/审管办与管理员）",
        "parameters": [csrf, {"name": "file_name", "in": "query", "schema": {"type": "string"}}, {"name": "skip_invalid", "in": "query", "schema": {"type": "string"}}, {"name": "dry_run", "in": "query", "schema": {"type": "string"}}, {"name": "sheet", "in": "query", "schema": {"type": "string"}}],
        "requestBody": {"required": true, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
        "responses": {"200": {"description": "已导入（或 dry_run 已校验）", "content": {"application/json": {"schema": {"type": "object"}}}}, "422": {"description": "有问题行，未导入；problems[]"}, "400": err, "401": err, "403": err, "413": err}}}));
    let number =
        json!({"name": "number", "in": "path", "required": true, "schema": {"type": "string"}, "description": "案号"});
    let object = |d: &str| json!({"description": d, "content": {"application/json": {"schema": {"type": "object"}}}});
    let refused =
        json!({"description": "无法读取（400）或规则不允许（422）{error, message, field, value}；未写入任何内容"});
    paths.insert("/api/v1/cases/{number}/events", json!({"post": {"summary": "记录案件事件：延长审限（仅经审批）、扣除审限、程序转换、重新计算、执行到位、终本核查、执行信访", "parameters": [csrf, number],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Event"}}}},
        "responses": {"201": object("已记录 {case_number, recorded: inserted, event, deadline}"), "200": object("同一事件已存在或已更新 {recorded: unchanged|updated, …}"),
            "400": refused, "422": refused, "401": err, "403": err, "404": err}}}));
    paths.insert("/api/v1/cases/{number}/close", json!({"post": {"summary": "结案（执/执恢以终结本次执行程序结案须通过终本核查）", "parameters": [csrf, number],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["closed_on", "disposition"], "properties": {"closed_on": {"type": "string", "format": "date"}, "disposition": {"type": "string", "description": "结案方式，如 判决、终结本次执行程序"}}}}}},
        "responses": {"200": object("结案后的案件事实（与案件详情相同的键）"), "400": refused, "422": {"description": "规则不允许（field, value, reason）；以终本结案未通过核查时 reason 逐项列出缺少的事项"}, "401": err, "403": err, "404": err}}}));
    paths.insert("/api/v1/cases/{number}/extension-requests", json!({"post": {"summary": "申请延长审限（承办法官、书记员；届满前不足15日的申请标为逾期）", "parameters": [csrf, number],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["reason"], "properties": {"months": {"type": "integer"}, "days": {"type": "integer"}, "reason": {"type": "string"}}}}}},
        "responses": {"201": object("{id, case_number, span, reason, requested_by, requested_on, deadline, late, status}"), "400": refused, "422": refused, "401": err, "403": err, "404": err}}}));
    paths.insert("/api/v1/extension-requests/{id}/decision", json!({"post": {"summary": "审批延长审限（本院院领导/审管办、管理员）；批准即记录延长审限事件", "parameters": [csrf, {"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["approve"], "properties": {"approve": {"type": "boolean"}, "note": {"type": "string"}}}}}},
        "responses": {"200": object("申请的新状态"), "400": refused, "422": refused, "401": err, "403": err, "404": err}}}));
    paths.insert("/api/v1/deadlines", json!({"get": {"summary": "未结案件的审限（本人范围内）", "parameters": [
            {"name": "as_of", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "计算日（默认今天）"},
            {"name": "scope", "in": "query", "schema": {"type": "string"}, "description": "法院代字（省、市或法院）"},
            {"name": "status", "in": "query", "schema": {"type": "string", "enum": ["all", "overdue", "near", "suspended", "normal", "no_limit"]}}],
        "responses": {"200": {"description": "[{case_number, court, judge, type_code, procedure, start, limit, base_deadline, extension_days, suspended_days, suspended_now, deadline, remaining_days, status}]", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Deadline"}}}}}, "400": err, "401": err}}}));
    paths.insert("/api/v1/notifications", json!({"get": {"summary": "审限提醒（本人可见案件，近180日）",
        "responses": {"200": {"description": "[{id, case_number, court, judge, kind: near|overdue, raised_on, deadline, read}]", "content": {"application/json": {"schema": {"type": "array"}}}}, "401": err}}}));
    json!({
        "openapi": "3.1.0",
        "info": {"title": "獬豸 Xiezhi API", "version": "1", "description": "审判执行质效数据平台 JSON API。会话 Cookie 认证；改变状态的调用需 X-CSRF-Token。"},
        "paths": paths,
        "components": {
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": auth::SESSION_COOKIE}},
            "schemas": {
                "Event": {"type": "object", "required": ["event"], "properties": {
                    "event": {"type": "string", "enum": ["extension", "suspension", "conversion", "restart", "payment", "terminal_check", "petition"]},
                    "on": {"type": "string", "format": "date"}, "months": {"type": "integer"}, "days": {"type": "integer"}, "approver": {"type": "string"}, "reason": {"type": "string"},
                    "kind": {"type": "string", "description": "公告, 鉴定, 和解, 调解, 管辖异议, 中止, 审计评估, 暂缓执行, 拍卖变卖, 补充侦查, 其他"},
                    "from": {"type": "string", "format": "date"}, "to": {"type": ["string", "null"], "format": "date"}, "procedure": {"type": "string"},
                    "amount": {"type": ["string", "number"], "description": "元，两位小数"},
                    "items": {"type": "object", "properties": {"notice_and_report_order": {"type": "boolean"}, "consumption_restriction": {"type": "boolean"}, "property_search_exhausted": {"type": "boolean"}, "missing_person_searched": {"type": "boolean"}, "obstruction_sanctioned": {"type": "boolean"}, "applicant_consulted": {"type": "boolean"}}},
                    "approval": {"type": ["string", "null"], "enum": ["applicant_confirmed", "president_approved", null]},
                    "resolved_on": {"type": ["string", "null"], "format": "date"}}},
                "Deadline": {"type": "object", "properties": {"case_number": {"type": "string"}, "court": {"type": "string"}, "judge": {"type": ["string", "null"]}, "type_code": {"type": "string"}, "procedure": {"type": ["string", "null"]},
                    "start": {"type": "string", "format": "date"}, "limit": {"type": ["object", "null"]}, "base_deadline": {"type": ["string", "null"], "format": "date"}, "extension_days": {"type": "integer"}, "suspended_days": {"type": "integer"},
                    "suspended_now": {"type": "boolean"}, "deadline": {"type": ["string", "null"], "format": "date"}, "remaining_days": {"type": ["integer", "null"]},
                    "status": {"type": "string", "enum": ["no_limit", "suspended", "overdue", "near", "normal", "closed_on_time", "closed_late"]}}},
                "Error": {"type": "object", "properties": {"error": {"type": "string"}, "message": {"type": "string"}, "field": {"type": "string"}, "value": {"type": "string"}}},
                "Assignment": {"type": "object", "properties": {"mode": {"type": "string", "enum": ["random", "designated"]}, "judge_id": {"type": "string"}, "reason_code": {"type": "string"}, "note": {"type": "string"}}},
                "Registration": {"type": "object", "required": ["court", "type_code", "filed_on"], "properties": {
                    "court": {"type": "string"}, "type_code": {"type": "string"}, "filed_on": {"type": "string", "format": "date"}, "cause": {"type": ["string", "null"]},
                    "claim_amount": {"type": ["string", "number", "null"]}, "procedure": {"type": ["string", "null"]}, "procedure_reason": {"type": ["string", "null"]},
                    "parties": {"type": "array", "items": {"type": "object", "properties": {"role": {"type": "string"}, "name": {"type": "string"}, "kind": {"type": "string", "enum": ["person", "organization"]}}}},
                    "origin_case_number": {"type": ["string", "null"]}, "flags": {"type": "array", "items": {"type": "string"}}, "assignment": {"$ref": "#/components/schemas/Assignment"}}},
                "Session": {"type": "object", "properties": {"username": {"type": "string"}, "role": {"type": "string", "enum": ["admin", "manager", "registrar", "judge", "clerk"]}, "role_label": {"type": "string"}, "court": {"type": ["string", "null"]}, "judge": {"type": ["string", "null"]}, "scope": {"type": "string"}, "csrf_token": {"type": "string"}}}
            }
        },
        "security": [{"session": []}]
    })
}
