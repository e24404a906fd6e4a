//! `SessionPlan`: one interface's session calls for one app, decided once.
//!
//! Whether the native path may answer a call, and with which cookie name,
//! attributes, lifetime and key list, depends only on objects that rarely
//! change: the interface and its class, the app's class and config, its JSON
//! provider and serializer, and the stock code the native path stands in
//! for. `flask_fastsession._plan` proves that each value it holds is read by
//! stock through a plain lookup (no property, slot, descriptor or
//! `__getattr__` other than Flask's own `ConfigAttribute`), computes the
//! values and describes them in one `PlanDescription`; this class keeps them
//! with a fingerprint of every input of those lookups, and answers
//! `open_session` and `save_session` in one call each while the fingerprint
//! still matches. The table of what is held, how stock obtains each value
//! on every call and what proves it unchanged is in `_plan`'s documentation.
//!
//! The fingerprint is checked on every call, by identity and by public
//! change signals (never by trusting that nothing changed):
//! - the stock guard's [`DictWatch`] reports no changed namespace;
//! - every class involved has the `tp_version_tag` it had: CPython clears a
//!   class's tag whenever it or any base class is modified, and never gives
//!   an old tag out again (its method cache relies on the same rule);
//! - the interface has no instance attributes, the app's `config` and `json`
//!   are the same objects, the config dict has not been modified (its
//!   [`Tracked`] version), `ConfigAttribute`s and the fallback-key list hold
//!   the same items, and so do the serializer's tags.
//!
//! Anything else returns `STALE` (Python makes the plan again, then answers)
//! or `FALLBACK` (Python answers this call). Python then runs the same calls
//! with stock's hooks. Before handing a call over, the plan changes nothing
//! but what stock repeats idempotently (`Vary: Cookie` added when the
//! session was accessed, which stock adds first too): the session's own
//! state (`accessed`) is only marked once the plan answers, so Python
//! replays stock's order exactly.
//!
//! Every answer is counted ([`plan_counts`]), so a test can tell that a
//! configuration meant for the native path takes it.

use pyo3::exceptions::PyValueError;
use pyo3::ffi;
use pyo3::intern;
use pyo3::prelude::*;
use std::sync::atomic::{AtomicU64, Ordering};

use pyo3::types::{
    PyBool, PyDelta, PyDict, PyList, PyModule, PyString, PyTuple, PyType, PyWeakrefReference,
};

use crate::py::codec::SessionCodec;
use crate::py::errors::{guarded, Stop};
use crate::py::time::expires_at_header;
use crate::py::watch::{current_tag, type_tag, DictWatch, Tracked};
use crate::py::{objects, sentinels};

/// The cookie header around the value (and the expiry date): what
/// werkzeug's `dump_cookie` writes for the plan's attributes.
struct Template {
    before: String,
    middle: String,
    after: String,
}

impl Template {
    fn from_tuple(t: &Bound<'_, PyTuple>) -> PyResult<Self> {
        let (before, middle, after): (String, String, String) = t.extract()?;
        Ok(Template {
            before,
            middle,
            after,
        })
    }

    fn fill(&self, value: &str, expires: Option<&str>) -> String {
        let mut out = String::with_capacity(
            self.before.len() + value.len() + self.middle.len() + self.after.len() + 32,
        );
        out.push_str(&self.before);
        out.push_str(value);
        if let Some(expires) = expires {
            out.push_str(&self.middle);
            out.push_str(expires);
        }
        out.push_str(&self.after);
        out
    }
}

/// A class and the version tag it had when the plan was made.
struct TypeTag {
    ty: Py<PyType>,
    tag: u32,
}

/// A dict's items, by identity, as they were.
struct Items(Vec<(Py<PyAny>, Py<PyAny>)>);

impl Items {
    fn of(dict: &Bound<'_, PyDict>) -> Self {
        Items(dict.iter().map(|(k, v)| (k.unbind(), v.unbind())).collect())
    }

    fn same(&self, dict: &Bound<'_, PyDict>) -> bool {
        if dict.len() != self.0.len() {
            return false;
        }
        dict.iter()
            .zip(&self.0)
            .all(|((k, v), (k0, v0))| k.is(k0) && v.is(v0))
    }
}

/// A list's items, by identity, as they were.
struct ListItems(Vec<Py<PyAny>>);

impl ListItems {
    fn of(list: &Bound<'_, PyList>) -> Self {
        ListItems(list.iter().map(Bound::unbind).collect())
    }

    fn same(&self, list: &Bound<'_, PyList>) -> bool {
        list.len() == self.0.len() && list.iter().zip(&self.0).all(|(a, b)| a.is(b))
    }
}

/// How a plan answered a call: each is counted ([`plan_counts`]).
#[derive(Clone, Copy)]
enum Answer {
    OpenNative,
    SaveNative,
    Stale,
    OpenOtherApp,
    OpenStock,
    SaveStockResponse,
    SaveOtherSession,
    SaveSetCookieOnInstance,
    SaveOtherApp,
    SaveDeleteCookie,
    SaveExpiryOverflow,
    SaveOversize,
    SaveStock,
}

impl Answer {
    const ALL: [Answer; 13] = [
        Answer::OpenNative,
        Answer::SaveNative,
        Answer::Stale,
        Answer::OpenOtherApp,
        Answer::OpenStock,
        Answer::SaveStockResponse,
        Answer::SaveOtherSession,
        Answer::SaveSetCookieOnInstance,
        Answer::SaveOtherApp,
        Answer::SaveDeleteCookie,
        Answer::SaveExpiryOverflow,
        Answer::SaveOversize,
        Answer::SaveStock,
    ];

    /// The name `plan_counts` reports: `native`, `stale` (the plan was made
    /// again) or `python: <why>` (this call went to the Python path).
    fn name(self) -> &'static str {
        match self {
            Answer::OpenNative => "open: native",
            Answer::SaveNative => "save: native",
            Answer::Stale => "stale",
            Answer::OpenOtherApp => "open: python: another app's context is current",
            Answer::OpenStock => "open: python: a value the native path does not take",
            Answer::SaveStockResponse => "save: python: not the app's own response class",
            Answer::SaveOtherSession => "save: python: not the plan's session class",
            Answer::SaveSetCookieOnInstance => "save: python: set_cookie replaced on the response",
            Answer::SaveOtherApp => "save: python: another app's context is current",
            Answer::SaveDeleteCookie => "save: python: the cookie is deleted",
            Answer::SaveExpiryOverflow => "save: python: the expiry date overflows",
            Answer::SaveOversize => "save: python: the cookie is over MAX_COOKIE_SIZE",
            Answer::SaveStock => "save: python: a value the native path does not take",
        }
    }

    fn count(self) {
        COUNTS[self as usize].fetch_add(1, Ordering::Relaxed);
    }
}

static COUNTS: [AtomicU64; Answer::ALL.len()] = [const { AtomicU64::new(0) }; Answer::ALL.len()];

/// How every plan answered so far: `(answer, calls)`, every answer listed.
pub(crate) fn plan_counts() -> Vec<(&'static str, u64)> {
    Answer::ALL
        .iter()
        .map(|a| (a.name(), COUNTS[*a as usize].load(Ordering::Relaxed)))
        .collect()
}

/// Sets every count of [`plan_counts`] to 0.
pub(crate) fn clear_plan_counts() {
    for c in &COUNTS {
        c.store(0, Ordering::Relaxed);
    }
}

/// What `save` did.
enum Save {
    Done,
    Python(Answer),
}

/// See the module documentation.
#[pyclass(frozen, module = "flask_fastsession._native")]
pub(crate) struct SessionPlan {
    interface: Py<PyWeakrefReference>,
    app: Py<PyWeakrefReference>,
    watch: Py<DictWatch>,
    types: Vec<TypeTag>,
    config: Tracked,
    config_version: u64,
    fallbacks: Option<(Py<PyList>, ListItems)>,
    frozen: Vec<(Py<PyDict>, Items)>,
    provider: Py<PyAny>,
    serializer: Py<PyAny>,
    order: ListItems,
    tags: Items,
    codec: Py<SessionCodec>,
    cookie_name: Py<PyString>,
    max_age: Py<PyAny>,
    lifetime: Py<PyDelta>,
    refresh: bool,
    session_class: Py<PyType>,
    marks_accessed: bool,
    with_expires: Template,
    without_expires: Template,
    max_cookie_size: usize,
    response_class: Option<Py<PyType>>,
    app_ctx: Py<PyAny>,
    time_module: Py<PyDict>,
    sessions_module: Py<PyDict>,
    headers_class: Py<PyType>,
    headers_add: Py<PyAny>,
}

/// Where the fingerprint is read from, for one call.
struct Call<'a, 'py> {
    interface: &'a Bound<'py, PyAny>,
    app: &'a Bound<'py, PyAny>,
}

/// `description.<name>`.
fn field<'py>(description: &Bound<'py, PyAny>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    description.getattr(name)
}

#[pymethods]
impl SessionPlan {
    /// Made from a `flask_fastsession._plan.PlanDescription`, whose fields
    /// were computed from the same objects once the rule said yes. Raises
    /// `ValueError` when a class has no version tag (the plan could not
    /// tell it changed).
    #[new]
    fn new(description: &Bound<'_, PyAny>) -> PyResult<Self> {
        let py = description.py();
        let get = |name: &str| field(description, name);
        let app = get("app")?;
        let interface = get("interface")?;
        let session_class = get("session_class")?.cast_into::<PyType>()?;
        let response_class = get("response_class")?;
        let response_class = if response_class.is_none() {
            None
        } else {
            Some(response_class.cast_into::<PyType>()?)
        };
        let types = get("types")?;
        let mut tags = Vec::new();
        let classes = types
            .try_iter()?
            .chain(std::iter::once(Ok(session_class.clone().into_any())))
            .chain(response_class.iter().map(|c| Ok(c.clone().into_any())));
        for ty in classes {
            let ty = ty?.cast_into::<PyType>()?;
            let tag = type_tag(&ty);
            if tag == 0 {
                return Err(PyValueError::new_err(format!(
                    "the class {} has no version tag",
                    ty.qualname()?
                )));
            }
            tags.push(TypeTag {
                ty: ty.unbind(),
                tag,
            });
        }
        let config = get("config")?.cast_into::<PyDict>()?;
        let config = Tracked::new(&config)?;
        let config_version = config.version(py);
        let fallbacks = get("fallbacks")?;
        let fallbacks = if fallbacks.is_none() || fallbacks.is_exact_instance_of::<PyTuple>() {
            None
        } else {
            let list = fallbacks.cast::<PyList>()?;
            Some((list.clone().unbind(), ListItems::of(list)))
        };
        let mut frozen = Vec::new();
        for dict in get("frozen")?.try_iter()? {
            let dict = dict?.cast_into::<PyDict>()?;
            let items = Items::of(&dict);
            frozen.push((dict.unbind(), items));
        }
        let serializer = get("serializer")?;
        let order = serializer
            .getattr(intern!(py, "order"))?
            .cast_into::<PyList>()?;
        let serializer_tags = serializer
            .getattr(intern!(py, "tags"))?
            .cast_into::<PyDict>()?;
        let module_dict = |name: &str| -> PyResult<Py<PyDict>> {
            Ok(get(name)?.cast_into::<PyModule>()?.dict().unbind())
        };
        Ok(SessionPlan {
            interface: PyWeakrefReference::new(&interface)?.unbind(),
            app: PyWeakrefReference::new(&app)?.unbind(),
            watch: get("watch")?.extract()?,
            types: tags,
            config,
            config_version,
            fallbacks,
            frozen,
            provider: get("provider")?.unbind(),
            order: ListItems::of(&order),
            tags: Items::of(&serializer_tags),
            serializer: serializer.unbind(),
            codec: get("codec")?.extract()?,
            cookie_name: get("cookie_name")?.cast_into::<PyString>()?.unbind(),
            max_age: get("max_age")?.unbind(),
            lifetime: get("lifetime")?.cast_into::<PyDelta>()?.unbind(),
            refresh: get("refresh")?.extract()?,
            session_class: session_class.unbind(),
            marks_accessed: get("permanent_marks_accessed")?.extract()?,
            with_expires: Template::from_tuple(&get("with_expires")?.cast_into::<PyTuple>()?)?,
            without_expires: Template::from_tuple(
                &get("without_expires")?.cast_into::<PyTuple>()?,
            )?,
            max_cookie_size: get("max_cookie_size")?.extract()?,
            response_class: response_class.map(Bound::unbind),
            app_ctx: get("app_ctx")?.unbind(),
            time_module: module_dict("time_module")?,
            sessions_module: module_dict("sessions_module")?,
            headers_class: get("headers_class")?.cast_into::<PyType>()?.unbind(),
            headers_add: get("headers_add")?.unbind(),
        })
    }

    /// Whether the plan still describes `interface` and `app` (`open` and
    /// `save` check it themselves).
    fn valid(&self, interface: &Bound<'_, PyAny>, app: &Bound<'_, PyAny>) -> PyResult<bool> {
        self.still_matches(&Call { interface, app })
    }

    /// The codec the plan signs with.
    #[getter]
    fn codec(&self, py: Python<'_>) -> Py<SessionCodec> {
        self.codec.clone_ref(py)
    }

    /// The values the plan answers with, for comparison with a fresh plan.
    /// (The response class is not one: each response's class is checked
    /// against it, and another class is answered by Python.)
    fn values<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let t = |tpl: &Template| (tpl.before.clone(), tpl.middle.clone(), tpl.after.clone());
        (
            self.codec.clone_ref(py),
            self.cookie_name.clone_ref(py),
            self.max_age.clone_ref(py),
            self.lifetime.clone_ref(py),
            self.refresh,
            self.session_class.clone_ref(py),
            t(&self.with_expires),
            t(&self.without_expires),
            self.max_cookie_size,
        )
            .into_pyobject(py)
    }

    /// `interface.open_session(app, request)`: the session, or `STALE` /
    /// `FALLBACK` when Python must answer.
    fn open<'py>(
        &self,
        interface: &Bound<'py, PyAny>,
        app: &Bound<'py, PyAny>,
        request: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = app.py();
        if !self.still_matches(&Call { interface, app })? {
            Answer::Stale.count();
            return sentinels::stale(py).cloned();
        }
        guarded(
            py,
            "SessionPlan.open",
            || {
                Answer::OpenStock.count();
                sentinels::fallback(py).cloned()
            },
            || {
                if let Some(session) = self.open_inner(py, app, request)? {
                    Answer::OpenNative.count();
                    Ok(session)
                } else {
                    Answer::OpenOtherApp.count();
                    Ok(sentinels::fallback(py)?.clone())
                }
            },
        )
    }

    /// `interface.save_session(app, session, response)`: None when done, or
    /// `STALE` / `FALLBACK` when Python must answer (it may repeat the
    /// `Vary` step done here, which changes nothing the second time).
    fn save<'py>(
        &self,
        interface: &Bound<'py, PyAny>,
        app: &Bound<'py, PyAny>,
        session: &Bound<'py, PyAny>,
        response: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = app.py();
        if !self.still_matches(&Call { interface, app })? {
            Answer::Stale.count();
            return sentinels::stale(py).cloned();
        }
        guarded(
            py,
            "SessionPlan.save",
            || {
                Answer::SaveStock.count();
                sentinels::fallback(py).cloned()
            },
            || match self.save_inner(py, app, session, response)? {
                Save::Done => {
                    Answer::SaveNative.count();
                    Ok(py.None().into_bound(py))
                }
                Save::Python(why) => {
                    why.count();
                    Ok(sentinels::fallback(py)?.clone())
                }
            },
        )
    }
}

impl SessionPlan {
    /// [`Self::matches`], with an ordinary exception from a lookup taken as
    /// "does not match" (Python then asks the rule, which meets it again).
    fn still_matches(&self, call: &Call<'_, '_>) -> PyResult<bool> {
        match self.matches(call) {
            Ok(ok) => Ok(ok),
            Err(e) => match Stop::from(e) {
                Stop::Stock => Ok(false),
                Stop::Raise(e) => Err(e),
            },
        }
    }

    /// The fingerprint check (see the module documentation).
    fn matches(&self, call: &Call<'_, '_>) -> PyResult<bool> {
        let py = call.app.py();
        let (interface, app) = (call.interface, call.app);
        if !self
            .interface
            .bind(py)
            .upgrade()
            .is_some_and(|i| i.is(interface))
            || !self.app.bind(py).upgrade().is_some_and(|a| a.is(app))
            || !self.watch.get().unchanged(py)
        {
            return Ok(false);
        }
        if !self
            .types
            .iter()
            .all(|t| current_tag(t.ty.bind(py)) == t.tag)
        {
            return Ok(false);
        }
        if !interface.get_type().is(self.types[0].ty.bind(py))
            || !app.get_type().is(self.types[1].ty.bind(py))
        {
            return Ok(false);
        }
        let own = interface.getattr(intern!(py, "__dict__"))?;
        if own.cast::<PyDict>().map_or(true, |d| !d.is_empty()) {
            return Ok(false);
        }
        let config = self.config.dict(py);
        if !app.getattr(intern!(py, "config"))?.is(config)
            || self.config.version(py) != self.config_version
        {
            return Ok(false);
        }
        if let Some((list, items)) = &self.fallbacks {
            if !items.same(list.bind(py)) {
                return Ok(false);
            }
        }
        if !self.frozen.iter().all(|(d, items)| items.same(d.bind(py))) {
            return Ok(false);
        }
        let provider = self.provider.bind(py);
        if !app.getattr(intern!(py, "json"))?.is(provider) {
            return Ok(false);
        }
        if let Ok(own) = provider.getattr(intern!(py, "__dict__")) {
            let own = own.cast_into::<PyDict>()?;
            if own.contains(intern!(py, "dumps"))? || own.contains(intern!(py, "loads"))? {
                return Ok(false);
            }
        }
        let serializer = self.serializer.bind(py);
        let order = serializer.getattr(intern!(py, "order"))?;
        let tags = serializer.getattr(intern!(py, "tags"))?;
        Ok(order.cast::<PyList>().is_ok_and(|l| self.order.same(l))
            && tags.cast::<PyDict>().is_ok_and(|d| self.tags.same(d)))
    }

    /// `int(time.time())`, reading `time.time` where stock does (a time
    /// freezer may have replaced it).
    fn now<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyAny>, Stop> {
        let time = self
            .time_module
            .bind(py)
            .get_item(intern!(py, "time"))?
            .ok_or(Stop::Stock)?;
        let now = time.call0()?;
        // SAFETY: `now` is a live object; PyNumber_Long is `int(now)`.
        let int = unsafe { ffi::PyNumber_Long(now.as_ptr()) };
        Ok(unsafe { Bound::from_owned_ptr_or_err(py, int) }?)
    }

    /// `flask.current_app` as an object: the app of the current app
    /// context, None outside one.
    fn current_app<'py>(&self, py: Python<'py>) -> Result<Option<Bound<'py, PyAny>>, Stop> {
        // SAFETY: a live ContextVar; the default is NULL, the result a new
        // reference or NULL.
        let ctx = unsafe {
            let mut out: *mut ffi::PyObject = std::ptr::null_mut();
            if ffi::PyContextVar_Get(self.app_ctx.as_ptr(), std::ptr::null_mut(), &raw mut out) < 0
            {
                return Err(PyErr::fetch(py).into());
            }
            Bound::from_owned_ptr_or_opt(py, out)
        };
        match ctx {
            Some(ctx) => Ok(Some(ctx.getattr(intern!(py, "app"))?)),
            None => Ok(None),
        }
    }

    /// The session, or None when another app's context is current.
    fn open_inner<'py>(
        &self,
        py: Python<'py>,
        app: &Bound<'py, PyAny>,
        request: &Bound<'py, PyAny>,
    ) -> Result<Option<Bound<'py, PyAny>>, Stop> {
        // flask.json.loads reads the current app's provider (json.loads
        // outside an app context, which the default provider's equals).
        if matches!(self.current_app(py)?, Some(current) if !current.is(app)) {
            return Ok(None);
        }
        let session_class = self.session_class.bind(py);
        let value = request
            .getattr(intern!(py, "cookies"))?
            .call_method1(intern!(py, "get"), (self.cookie_name.bind(py),))?;
        if !value.is_truthy()? {
            return Ok(Some(session_class.call0()?));
        }
        let now = self.now(py)?;
        let data = self
            .codec
            .get()
            .loads_inner(py, &value, self.max_age.bind(py), &now, true)?;
        if data.is(sentinels::invalid(py)?) {
            return Ok(Some(session_class.call0()?));
        }
        Ok(Some(session_class.call1((data,))?))
    }

    /// `session.permanent` of an exact `SecureCookieSession` (its
    /// `_permanent` item), read without the side effect it has on Flask
    /// releases whose `get` marks the session accessed: `touched` records
    /// the read, and [`Self::mark_accessed`] applies it once the plan answers.
    fn permanent(
        py: Python<'_>,
        session: &Bound<'_, PyDict>,
        touched: &mut bool,
    ) -> Result<bool, Stop> {
        *touched = true;
        Ok(match session.get_item(intern!(py, "_permanent"))? {
            Some(v) => v.is_truthy()?,
            None => false,
        })
    }

    /// What reading `session.permanent` did to the session on this Flask
    /// release (`SecureCookieSession.get` set `accessed` up to Flask 3.1.2;
    /// 3.1.3 moved that tracking to the request context).
    fn mark_accessed(
        &self,
        py: Python<'_>,
        session: &Bound<'_, PyDict>,
        touched: bool,
    ) -> Result<(), Stop> {
        if touched && self.marks_accessed {
            session.setattr(intern!(py, "accessed"), PyBool::new(py, true))?;
        }
        Ok(())
    }

    /// `response.vary.add("Cookie")`, the way `_headers.add_vary_cookie` does.
    fn add_vary(
        py: Python<'_>,
        response: &Bound<'_, PyAny>,
        headers: &Bound<'_, PyAny>,
    ) -> Result<(), Stop> {
        let vary = intern!(py, "Vary");
        let cookie = intern!(py, "Cookie");
        let current = headers.call_method1(intern!(py, "get"), (vary,))?;
        if current.is_none() {
            headers.set_item(vary, cookie)?;
        } else if !current.eq(cookie)? {
            response
                .getattr(intern!(py, "vary"))?
                .call_method1(intern!(py, "add"), (cookie,))?;
        }
        Ok(())
    }

    /// Whether `headers.add` is werkzeug's own `Headers.add`, which appends
    /// the one header and touches nothing else (neither the class nor the
    /// instance replaced it).
    fn plain_headers(&self, py: Python<'_>, headers: &Bound<'_, PyAny>) -> Result<bool, Stop> {
        if !headers.get_type().is(self.headers_class.bind(py))
            || !headers
                .get_type()
                .getattr(intern!(py, "add"))?
                .is(self.headers_add.bind(py))
        {
            return Ok(false);
        }
        Ok(match headers.getattr(intern!(py, "__dict__")) {
            Ok(own) => !own.cast::<PyDict>()?.contains(intern!(py, "add"))?,
            Err(_) => true,
        })
    }

    fn save_inner(
        &self,
        py: Python<'_>,
        app: &Bound<'_, PyAny>,
        session: &Bound<'_, PyAny>,
        response: &Bound<'_, PyAny>,
    ) -> Result<Save, Stop> {
        let Some(response_class) = &self.response_class else {
            return Ok(Save::Python(Answer::SaveStockResponse));
        };
        if !session.get_type().is(self.session_class.bind(py)) {
            return Ok(Save::Python(Answer::SaveOtherSession));
        }
        if !response.get_type().is(response_class.bind(py)) {
            return Ok(Save::Python(Answer::SaveStockResponse));
        }
        let own = response.getattr(intern!(py, "__dict__"))?;
        if own.cast::<PyDict>()?.contains(intern!(py, "set_cookie"))? {
            return Ok(Save::Python(Answer::SaveSetCookieOnInstance));
        }
        // The current app is `app`: its JSON provider formats the session
        // (flask.json.dumps) and its MAX_COOKIE_SIZE limits the cookie.
        if !matches!(self.current_app(py)?, Some(current) if current.is(app)) {
            return Ok(Save::Python(Answer::SaveOtherApp));
        }
        let session = session.cast::<PyDict>()?;
        let headers = response.getattr(intern!(py, "headers"))?;
        let accessed = session.getattr(intern!(py, "accessed"))?.is_truthy()?;
        if accessed {
            Self::add_vary(py, response, &headers)?;
        }
        if session.is_empty() {
            if session.getattr(intern!(py, "modified"))?.is_truthy()? {
                return Ok(Save::Python(Answer::SaveDeleteCookie));
            }
            return Ok(Save::Done);
        }
        let mut touched = false;
        // should_set_cookie: `modified or (permanent and REFRESH)`
        let modified = session.getattr(intern!(py, "modified"))?.is_truthy()?;
        let set_cookie = modified || (Self::permanent(py, session, &mut touched)? && self.refresh);
        if !set_cookie {
            self.mark_accessed(py, session, touched)?;
            return Ok(Save::Done);
        }
        // get_expiration_time, formatted as Set-Cookie carries it
        let expires = if Self::permanent(py, session, &mut touched)? {
            let module = self.sessions_module.bind(py);
            let datetime = module
                .get_item(intern!(py, "datetime"))?
                .ok_or(Stop::Stock)?;
            let timezone = module
                .get_item(intern!(py, "timezone"))?
                .ok_or(Stop::Stock)?;
            let now = datetime
                .call_method1(intern!(py, "now"), (timezone.getattr(intern!(py, "utc"))?,))?;
            match expires_at_header(py, &now, self.lifetime.bind(py))? {
                Some(header) => Some(header),
                None => return Ok(Save::Python(Answer::SaveExpiryOverflow)),
            }
        } else {
            None
        };
        let data = session.copy()?;
        let now = self.now(py)?;
        let provider = self.provider.bind(py);
        let value = self
            .codec
            .get()
            .dumps_for_provider(py, data.as_any(), &now, provider)?;
        let value = value.cast::<PyString>()?;
        let template = if expires.is_some() {
            &self.with_expires
        } else {
            &self.without_expires
        };
        let header = template.fill(value.to_str()?, expires.as_deref());
        if self.max_cookie_size != 0 && header.len() > self.max_cookie_size {
            return Ok(Save::Python(Answer::SaveOversize));
        }
        let plain = self.plain_headers(py, &headers)?;
        self.mark_accessed(py, session, touched)?;
        headers.call_method1(
            intern!(py, "add"),
            (intern!(py, "Set-Cookie"), objects::new_str(py, &header)?),
        )?;
        if !(accessed && plain) {
            Self::add_vary(py, response, &headers)?;
        }
        Ok(Save::Done)
    }
}
