//! The JSON-lines event format of `corridor ledger apply`: one event per line,
//! `{"op":"create_account",...}` or `{"op":"create_transfer",...}`.
//!
//! Ids and amounts are decimal strings, or JSON numbers that are whole and at most 2^53-1
//! (`68`, also written `68.0` or `6.8e1`; never a fraction or a sign; larger values as
//! strings);
//! flags are a list of names. Any problem is an error naming the line and the field, and the
//! caller applies nothing from a file with an error.

use serde_json::{Map, Value};

use corridor_ledger::{Account, AccountFlags, Event, Transfer, TransferFlags};

/// Why a line is not a valid event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}{}: {message}", field.as_ref().map(|f| format!(", field `{f}`")).unwrap_or_default())]
pub struct LineError {
    /// 1-based line number.
    pub line: u64,
    /// The field at fault, if one is.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

const ACCOUNT_FIELDS: &[&str] = &[
    "op",
    "id",
    "ledger",
    "code",
    "flags",
    "user_data",
    "user_data_128",
    "user_data_64",
    "user_data_32",
];
const TRANSFER_FIELDS: &[&str] = &[
    "op",
    "id",
    "debit_account_id",
    "credit_account_id",
    "amount",
    "ledger",
    "code",
    "flags",
    "pending_id",
    "timeout",
    "user_data",
    "user_data_128",
    "user_data_64",
    "user_data_32",
];

/// Parses one line. `Ok(None)` for a blank line.
pub fn parse_line(line: u64, text: &str) -> Result<Option<Event>, LineError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let error = |field: Option<&str>, message: String| LineError {
        line,
        field: field.map(str::to_owned),
        message,
    };
    let value: Value =
        serde_json::from_str(text).map_err(|e| error(None, format!("not valid JSON: {e}")))?;
    parse_value(line, value).map(Some)
}

/// Parses one event given as a JSON value (an element of an API request's list; `line` is
/// its position, for errors).
pub fn parse_value(line: u64, value: Value) -> Result<Event, LineError> {
    let error = |field: Option<&str>, message: String| LineError {
        line,
        field: field.map(str::to_owned),
        message,
    };
    let Value::Object(object) = value else {
        return Err(error(None, "an event is a JSON object".into()));
    };
    let fields = Fields {
        line,
        object: &object,
    };
    let op = match object.get("op") {
        Some(Value::String(op)) => op.as_str(),
        Some(_) => return Err(error(Some("op"), "must be a string".into())),
        None => return Err(error(Some("op"), "missing".into())),
    };
    match op {
        "create_account" => {
            fields.only(ACCOUNT_FIELDS)?;
            parse_account(&fields).map(Event::CreateAccount)
        }
        "create_transfer" => {
            fields.only(TRANSFER_FIELDS)?;
            parse_transfer(&fields).map(Event::CreateTransfer)
        }
        other => Err(error(
            Some("op"),
            format!("unknown op `{other}` (expected create_account or create_transfer)"),
        )),
    }
}

fn parse_account(fields: &Fields<'_>) -> Result<Account, LineError> {
    let flags = fields
        .flags("flags", AccountFlags::from_name)?
        .unwrap_or(AccountFlags::NONE);
    Ok(Account {
        id: fields.id("id")?,
        ledger: fields.required_number("ledger")?,
        code: fields.required_number("code")?,
        flags,
        user_data_128: fields.user_data_128()?,
        user_data_64: fields.number("user_data_64")?.unwrap_or(0),
        user_data_32: fields.number("user_data_32")?.unwrap_or(0),
        ..Account::default()
    })
}

fn parse_transfer(fields: &Fields<'_>) -> Result<Transfer, LineError> {
    let flags = fields
        .flags("flags", TransferFlags::from_name)?
        .unwrap_or(TransferFlags::NONE);
    let resolves =
        flags.contains(TransferFlags::POST_PENDING) || flags.contains(TransferFlags::VOID_PENDING);
    let mut transfer = Transfer {
        id: fields.id("id")?,
        flags,
        timeout: fields.number("timeout")?.unwrap_or(0),
        user_data_128: fields.user_data_128()?,
        user_data_64: fields.number("user_data_64")?.unwrap_or(0),
        user_data_32: fields.number("user_data_32")?.unwrap_or(0),
        ..Transfer::default()
    };
    if resolves {
        // A post or void names its pending transfer; the rest is inherited when left out.
        transfer.pending_id = fields.id("pending_id")?;
        transfer.debit_account_id = fields.optional_id("debit_account_id")?.unwrap_or(0);
        transfer.credit_account_id = fields.optional_id("credit_account_id")?.unwrap_or(0);
        transfer.amount = fields.number("amount")?.unwrap_or(0);
        transfer.ledger = fields.number("ledger")?.unwrap_or(0);
        transfer.code = fields.number("code")?.unwrap_or(0);
    } else {
        if fields.object.contains_key("pending_id") {
            return Err(fields.error(
                "pending_id",
                "only a post_pending or void_pending transfer names a pending transfer",
            ));
        }
        transfer.debit_account_id = fields.id("debit_account_id")?;
        transfer.credit_account_id = fields.id("credit_account_id")?;
        transfer.amount = fields.required_number("amount")?;
        transfer.ledger = fields.required_number("ledger")?;
        transfer.code = fields.required_number("code")?;
    }
    Ok(transfer)
}

/// Where an event's fields are read from: a JSON object, or a transfer read straight into
/// its fields (the fast path for API batches).
trait Lookup {
    /// The field's value, if the event has it.
    fn get(&self, field: &str) -> Option<&Value>;
    /// The first field not in `allowed`, if any.
    fn unknown(&self, allowed: &[&str]) -> Option<String>;
    /// Whether the event has the field.
    fn contains_key(&self, field: &str) -> bool {
        self.get(field).is_some()
    }
}

impl Lookup for Map<String, Value> {
    fn get(&self, field: &str) -> Option<&Value> {
        Map::get(self, field)
    }
    fn unknown(&self, allowed: &[&str]) -> Option<String> {
        self.keys()
            .find(|key| !allowed.contains(&key.as_str()))
            .cloned()
    }
}

/// A transfer's fields read straight from JSON, without building a map per event. Unknown
/// fields make the whole body fall back to the general path (which names them).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct WireTransfer {
    op: Option<Value>,
    id: Option<Value>,
    debit_account_id: Option<Value>,
    credit_account_id: Option<Value>,
    amount: Option<Value>,
    ledger: Option<Value>,
    code: Option<Value>,
    flags: Option<Value>,
    pending_id: Option<Value>,
    timeout: Option<Value>,
    user_data: Option<Value>,
    user_data_128: Option<Value>,
    user_data_64: Option<Value>,
    user_data_32: Option<Value>,
}

impl Lookup for WireTransfer {
    fn get(&self, field: &str) -> Option<&Value> {
        match field {
            "op" => self.op.as_ref(),
            "id" => self.id.as_ref(),
            "debit_account_id" => self.debit_account_id.as_ref(),
            "credit_account_id" => self.credit_account_id.as_ref(),
            "amount" => self.amount.as_ref(),
            "ledger" => self.ledger.as_ref(),
            "code" => self.code.as_ref(),
            "flags" => self.flags.as_ref(),
            "pending_id" => self.pending_id.as_ref(),
            "timeout" => self.timeout.as_ref(),
            "user_data" => self.user_data.as_ref(),
            "user_data_128" => self.user_data_128.as_ref(),
            "user_data_64" => self.user_data_64.as_ref(),
            "user_data_32" => self.user_data_32.as_ref(),
            _ => None,
        }
    }
    fn unknown(&self, _allowed: &[&str]) -> Option<String> {
        // `deny_unknown_fields` let none through; `op`, if given, is checked by the caller.
        None
    }
}

/// Parses a list of transfers given as JSON text (an API request's `transfers`), each
/// element an object with the format's transfer fields (`op` optional). `None` when the
/// text is not such a list in the form the fast reader takes (an unknown field, a value
/// that is not JSON, ...): the caller then reads it the general way, which names the
/// problem. The transfers are checked exactly as [`parse_value`] checks them.
pub fn parse_transfer_list(text: &str) -> Option<Result<Vec<Transfer>, LineError>> {
    let wire: Vec<WireTransfer> = serde_json::from_str(text).ok()?;
    let mut transfers = Vec::with_capacity(wire.len());
    for (index, transfer) in wire.iter().enumerate() {
        let op_ok = match &transfer.op {
            None => true,
            Some(Value::String(op)) => op == "create_transfer",
            Some(_) => false,
        };
        if !op_ok {
            return None;
        }
        let fields = Fields {
            line: index as u64,
            object: transfer,
        };
        match parse_transfer(&fields) {
            Ok(parsed) => transfers.push(parsed),
            Err(error) => return Some(Err(error)),
        }
    }
    Some(Ok(transfers))
}

/// A line's fields, with typed accessors that name the field in their errors.
struct Fields<'a> {
    line: u64,
    object: &'a dyn Lookup,
}

impl Fields<'_> {
    fn error(&self, field: &str, message: impl Into<String>) -> LineError {
        LineError {
            line: self.line,
            field: Some(field.to_owned()),
            message: message.into(),
        }
    }

    fn only(&self, allowed: &[&str]) -> Result<(), LineError> {
        match self.object.unknown(allowed) {
            Some(key) => Err(self.error(
                &key,
                format!("unknown field (allowed: {})", allowed.join(", ")),
            )),
            None => Ok(()),
        }
    }

    /// An unsigned integer field of type `T`, written as a JSON integer or a decimal string.
    fn number<T: TryFrom<u128>>(&self, field: &str) -> Result<Option<T>, LineError> {
        let Some(value) = self.object.get(field) else {
            return Ok(None);
        };
        let text = match value {
            Value::String(text) => text.clone(),
            Value::Number(number) => {
                let digits = integral(number);
                // JSON numbers are exact only up to 2^53 - 1 in most readers (RFC 8259
                // section 6): larger values travel as decimal strings.
                let whole = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
                if whole && digits.parse::<u128>().map_or(true, |v| v > MAX_EXACT_JSON) {
                    return Err(self.error(
                        field,
                        format!("`{digits}` is larger than 2^53-1, the largest exact JSON number: write it as a decimal string"),
                    ));
                }
                digits
            }
            Value::Null => return Ok(None),
            _ => return Err(self.error(field, "must be an integer or a decimal string")),
        };
        let bits = std::mem::size_of::<T>() * 8;
        let digits_only = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
        if !digits_only {
            let message = if text.starts_with('-') || text.starts_with('+') {
                format!("`{text}` has a sign; it must be an unsigned integer")
            } else {
                format!(
                    "`{text}` is not an unsigned integer (digits only, no decimals or exponent)"
                )
            };
            return Err(self.error(field, message));
        }
        let too_large = || self.error(field, format!("`{text}` does not fit in {bits} bits"));
        let wide: u128 = text.parse().map_err(|_| too_large())?;
        T::try_from(wide).map(Some).map_err(|_| too_large())
    }

    fn required_number<T: TryFrom<u128>>(&self, field: &str) -> Result<T, LineError> {
        self.number(field)?
            .ok_or_else(|| self.error(field, "missing"))
    }

    /// An id: present and neither 0 nor the reserved maximum.
    fn id(&self, field: &str) -> Result<u128, LineError> {
        self.optional_id(field)?
            .ok_or_else(|| self.error(field, "missing"))
    }

    fn optional_id(&self, field: &str) -> Result<Option<u128>, LineError> {
        match self.number::<u128>(field)? {
            Some(0) => Err(self.error(field, "an id must not be zero")),
            Some(u128::MAX) => Err(self.error(field, "the id 2^128-1 is reserved")),
            other => Ok(other),
        }
    }

    fn user_data_128(&self) -> Result<u128, LineError> {
        if self.object.contains_key("user_data") && self.object.contains_key("user_data_128") {
            return Err(self.error("user_data", "give user_data or user_data_128, not both"));
        }
        let field = if self.object.contains_key("user_data") {
            "user_data"
        } else {
            "user_data_128"
        };
        Ok(self.number(field)?.unwrap_or(0))
    }

    fn flags<F: Copy + FlagSet>(
        &self,
        field: &str,
        from_name: impl Fn(&str) -> Option<F>,
    ) -> Result<Option<F>, LineError> {
        let Some(value) = self.object.get(field) else {
            return Ok(None);
        };
        if value.is_null() {
            return Ok(None);
        }
        let Value::Array(names) = value else {
            return Err(self.error(field, "must be a list of flag names"));
        };
        let mut flags = F::empty();
        for name in names {
            let Value::String(name) = name else {
                return Err(self.error(field, "must be a list of flag names"));
            };
            let flag = from_name(name).ok_or_else(|| {
                self.error(
                    field,
                    format!("unknown flag `{name}` (allowed: {})", F::names_list()),
                )
            })?;
            flags = flags.union(flag);
        }
        Ok(Some(flags))
    }
}

/// The largest integer a JSON number carries exactly (2^53 - 1).
const MAX_EXACT_JSON: u128 = 9_007_199_254_740_991;

/// A JSON number's digits when it is a whole number, however written: `68`, `68.0`,
/// `6.8e1` and `1e20` are integers (as JSON Schema counts them), computed exactly from the
/// text, never through a float. Anything else (a fraction, a sign) is returned as written,
/// for the caller to reject.
fn integral(number: &serde_json::Number) -> String {
    let text = number.to_string();
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return text;
    }
    whole_digits(&text).unwrap_or(text)
}

/// A JSON number as a whole `u64` (written `2880` or `2880.0`), if it is one.
pub(crate) fn whole_u64(number: &serde_json::Number) -> Option<u64> {
    integral(number).parse().ok()
}

/// The digits of a decimal number in JSON's syntax, if it is a non-negative whole number
/// of at most 40 digits.
fn whole_digits(text: &str) -> Option<String> {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], text[at + 1..].parse::<i64>().ok()?),
        None => (text, 0),
    };
    let (integer, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if integer.is_empty() || !(integer.bytes().chain(fraction.bytes())).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let mut digits = format!("{integer}{fraction}");
    let mut scale = exponent.checked_sub(i64::try_from(fraction.len()).ok()?)?;
    while scale < 0 {
        // A whole number only if the digits dropped are zeros.
        if digits.pop()? != '0' {
            return None;
        }
        scale += 1;
    }
    let digits = digits.trim_start_matches('0');
    let zeros = usize::try_from(scale).ok()?;
    if digits.len().checked_add(zeros)? > 40 {
        return None;
    }
    Some(if digits.is_empty() {
        "0".to_owned()
    } else {
        format!("{digits}{}", "0".repeat(zeros))
    })
}

/// What the flag parser needs of a flag set.
trait FlagSet {
    fn empty() -> Self;
    fn union(self, other: Self) -> Self;
    fn names_list() -> String;
}

impl FlagSet for AccountFlags {
    fn empty() -> Self {
        AccountFlags::NONE
    }
    fn union(self, other: Self) -> Self {
        self.with(other)
    }
    fn names_list() -> String {
        // `closed` is set by closing transfers, never by a request.
        let names: Vec<&str> = AccountFlags::NAMES.iter().map(|(name, _)| *name).collect();
        names.join(", ")
    }
}

impl FlagSet for TransferFlags {
    fn empty() -> Self {
        TransferFlags::NONE
    }
    fn union(self, other: Self) -> Self {
        self.with(other)
    }
    fn names_list() -> String {
        let names: Vec<&str> = TransferFlags::NAMES.iter().map(|(name, _)| *name).collect();
        names.join(", ")
    }
}

/// Renders an event as one JSON line in the format [`parse_line`] reads.
pub fn render_event(event: &Event) -> String {
    let mut object = Map::new();
    let text = |n: u128| Value::String(n.to_string());
    match event {
        Event::CreateAccount(a) => {
            object.insert("op".into(), "create_account".into());
            object.insert("id".into(), text(a.id));
            object.insert("ledger".into(), a.ledger.into());
            object.insert("code".into(), a.code.into());
            let flags: Vec<Value> = a.flags.names().map(Value::from).collect();
            object.insert("flags".into(), flags.into());
            if a.user_data_128 != 0 {
                object.insert("user_data_128".into(), text(a.user_data_128));
            }
        }
        Event::CreateTransfer(t) => {
            object.insert("op".into(), "create_transfer".into());
            object.insert("id".into(), text(t.id));
            for (name, value) in [
                ("debit_account_id", t.debit_account_id),
                ("credit_account_id", t.credit_account_id),
                ("pending_id", t.pending_id),
            ] {
                if value != 0 {
                    object.insert(name.into(), text(value));
                }
            }
            object.insert("amount".into(), text(t.amount));
            object.insert("ledger".into(), t.ledger.into());
            object.insert("code".into(), t.code.into());
            if t.timeout != 0 {
                object.insert("timeout".into(), t.timeout.into());
            }
            let flags: Vec<Value> = t.flags.names().map(Value::from).collect();
            object.insert("flags".into(), flags.into());
        }
    }
    Value::Object(object).to_string()
}

#[cfg(test)]
mod tests;
