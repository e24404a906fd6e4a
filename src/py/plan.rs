//! `SessionPlan`: one interface's session calls for one app, decided once.
//!
//! Whether the native path may answer a call, and with which cookie name,
//! attributes, lifetime and key list, depends only on objects that rarely
//! change: the interface and its class, the app's class, config, JSON
//! provider and serializer, and the stock code the native path stands in
//! for. The Python side (`flask_fastsession._plan`) evaluates the rule and
//! computes the values once; this class remembers them with a fingerprint of
//! everything they were read from, and answers `open_session` and
//! `save_session` in one call each while the fingerprint still matches.
//!
//! The fingerprint is checked on every call, by identity and version tags
//! (never by trusting that nothing changed):
//! - the stock guard's [`DictWatch`] reports no changed namespace;
//! - every class involved has the `tp_version_tag` it had: CPython resets a
//!   class's tag whenever it or any base class is modified, and never gives
//!   an old tag out again (its method cache relies on the same rule);
//! - the interface has no instance attributes, the app's `config` and `json`
//!   are the same objects, the config dict has its version tag, the
//!   fallback-key list and the serializer's tags hold the same items.
//!
//! Anything else returns `STALE` (rebuild the plan, then let Python answer)
//! or `FALLBACK` (Python answers this call). Python then runs the same calls
//! with stock's hooks; every step done here before giving up is one that
//! stock repeats idempotently (`Vary: Cookie` is added once however often it
//! is asked for).

use pyo3::exceptions::PyValueError;
use pyo3::ffi;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDelta, PyDict, PyList, PyString, PyTuple, PyType, PyWeakrefReference};

use crate::py::codec::SessionCodec;
use crate::py::errors::{guarded, Stop};
use crate::py::time::expires_at_header;
use crate::py::watch::{dict_version, DictWatch};
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

fn type_tag(ty: &Bound<'_, PyType>) -> u32 {
    // SAFETY: a live type object; `tp_version_tag` is a plain field.
    unsafe { (*ty.as_type_ptr()).tp_version_tag }
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

/// See the module documentation.
#[pyclass(frozen, module = "flask_fastsession._native")]
pub(crate) struct SessionPlan {
    interface: Py<PyWeakrefReference>,
    app: Py<PyWeakrefReference>,
    watch: Py<DictWatch>,
    types: Vec<TypeTag>,
    config: Py<PyDict>,
    config_version: u64,
    fallbacks: Option<(Py<PyList>, ListItems)>,
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

/// What `save` found, once it decided to write a cookie.
enum Save {
    Done,
    Python,
}

#[pymethods]
impl SessionPlan {
    /// Made by `flask_fastsession._plan`, which evaluated the rule and
    /// computed the values from the same objects. Raises `ValueError` when a
    /// class has no version tag (the plan could not tell it changed).
    #[new]
    #[pyo3(signature = (
        interface, app, watch, types, fallbacks, serializer, codec, cookie_name, max_age,
        lifetime, refresh, session_class, with_expires, without_expires, max_cookie_size,
        response_class, app_ctx, time_module, sessions_module, headers_class, headers_add,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        interface: &Bound<'_, PyAny>,
        app: &Bound<'_, PyAny>,
        watch: Py<DictWatch>,
        types: &Bound<'_, PyList>,
        fallbacks: &Bound<'_, PyAny>,
        serializer: &Bound<'_, PyAny>,
        codec: Py<SessionCodec>,
        cookie_name: &Bound<'_, PyString>,
        max_age: &Bound<'_, PyAny>,
        lifetime: &Bound<'_, PyDelta>,
        refresh: bool,
        session_class: &Bound<'_, PyType>,
        with_expires: &Bound<'_, PyTuple>,
        without_expires: &Bound<'_, PyTuple>,
        max_cookie_size: usize,
        response_class: Option<&Bound<'_, PyType>>,
        app_ctx: &Bound<'_, PyAny>,
        time_module: &Bound<'_, PyModule>,
        sessions_module: &Bound<'_, PyModule>,
        headers_class: &Bound<'_, PyType>,
        headers_add: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        let py = app.py();
        let mut tags = Vec::with_capacity(types.len() + 2);
        let classes = types
            .iter()
            .chain(std::iter::once(session_class.clone().into_any()))
            .chain(response_class.map(|c| c.clone().into_any()));
        for ty in classes {
            let ty = ty.cast_into::<PyType>()?;
            let tag = type_tag(&ty);
            if tag == 0 {
                return Err(PyValueError::new_err("a class has no version tag"));
            }
            tags.push(TypeTag {
                ty: ty.unbind(),
                tag,
            });
        }
        let config = app.getattr(intern!(py, "config"))?.cast_into::<PyDict>()?;
        let Some(config_version) = dict_version(&config) else {
            return Err(PyValueError::new_err("dicts carry no version tag here"));
        };
        let fallbacks = if fallbacks.is_none() || fallbacks.is_exact_instance_of::<PyTuple>() {
            None
        } else {
            let list = fallbacks.cast::<PyList>()?;
            Some((list.clone().unbind(), ListItems::of(list)))
        };
        let order = serializer
            .getattr(intern!(py, "order"))?
            .cast_into::<PyList>()?;
        let serializer_tags = serializer
            .getattr(intern!(py, "tags"))?
            .cast_into::<PyDict>()?;
        Ok(SessionPlan {
            interface: PyWeakrefReference::new(interface)?.unbind(),
            app: PyWeakrefReference::new(app)?.unbind(),
            watch,
            types: tags,
            config_version,
            fallbacks,
            provider: app.getattr(intern!(py, "json"))?.unbind(),
            serializer: serializer.clone().unbind(),
            order: ListItems::of(&order),
            tags: Items::of(&serializer_tags),
            config: config.unbind(),
            codec,
            cookie_name: cookie_name.clone().unbind(),
            max_age: max_age.clone().unbind(),
            lifetime: lifetime.clone().unbind(),
            refresh,
            session_class: session_class.clone().unbind(),
            with_expires: Template::from_tuple(with_expires)?,
            without_expires: Template::from_tuple(without_expires)?,
            max_cookie_size,
            response_class: response_class.map(|c| c.clone().unbind()),
            app_ctx: app_ctx.clone().unbind(),
            time_module: time_module.dict().unbind(),
            sessions_module: sessions_module.dict().unbind(),
            headers_class: headers_class.clone().unbind(),
            headers_add: headers_add.clone().unbind(),
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
            return sentinels::stale(py).cloned();
        }
        guarded(
            py,
            "SessionPlan.open",
            || sentinels::fallback(py).cloned(),
            || self.open_inner(py, app, request),
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
            return sentinels::stale(py).cloned();
        }
        guarded(
            py,
            "SessionPlan.save",
            || sentinels::fallback(py).cloned(),
            || match self.save_inner(py, app, session, response)? {
                Save::Done => Ok(py.None().into_bound(py)),
                Save::Python => Ok(sentinels::fallback(py)?.clone()),
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
        if !self.types.iter().all(|t| type_tag(t.ty.bind(py)) == t.tag) {
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
        let config = self.config.bind(py);
        if !app.getattr(intern!(py, "config"))?.is(config)
            || dict_version(config) != Some(self.config_version)
        {
            return Ok(false);
        }
        if let Some((list, items)) = &self.fallbacks {
            if !items.same(list.bind(py)) {
                return Ok(false);
            }
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

    fn open_inner<'py>(
        &self,
        py: Python<'py>,
        app: &Bound<'py, PyAny>,
        request: &Bound<'py, PyAny>,
    ) -> Result<Bound<'py, PyAny>, Stop> {
        // flask.json.loads reads the current app's provider (json.loads
        // outside an app context, which the default provider's equals).
        if matches!(self.current_app(py)?, Some(current) if !current.is(app)) {
            return Err(Stop::Stock);
        }
        let session_class = self.session_class.bind(py);
        let value = request
            .getattr(intern!(py, "cookies"))?
            .call_method1(intern!(py, "get"), (self.cookie_name.bind(py),))?;
        if !value.is_truthy()? {
            return Ok(session_class.call0()?);
        }
        let now = self.now(py)?;
        let data = self
            .codec
            .get()
            .loads_inner(py, &value, self.max_age.bind(py), &now, true)?;
        if data.is(sentinels::invalid(py)?) {
            return Ok(session_class.call0()?);
        }
        Ok(session_class.call1((data,))?)
    }

    /// `session.permanent` of an exact `SecureCookieSession`: its `get`
    /// marks the session accessed, then reads `_permanent`.
    fn permanent(py: Python<'_>, session: &Bound<'_, PyDict>) -> Result<bool, Stop> {
        session.setattr(intern!(py, "accessed"), PyBool::new(py, true))?;
        Ok(match session.get_item(intern!(py, "_permanent"))? {
            Some(v) => v.is_truthy()?,
            None => false,
        })
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

    fn save_inner(
        &self,
        py: Python<'_>,
        app: &Bound<'_, PyAny>,
        session: &Bound<'_, PyAny>,
        response: &Bound<'_, PyAny>,
    ) -> Result<Save, Stop> {
        let Some(response_class) = &self.response_class else {
            return Ok(Save::Python);
        };
        if !session.get_type().is(self.session_class.bind(py))
            || !response.get_type().is(response_class.bind(py))
        {
            return Ok(Save::Python);
        }
        let own = response.getattr(intern!(py, "__dict__"))?;
        if own.cast::<PyDict>()?.contains(intern!(py, "set_cookie"))? {
            return Ok(Save::Python);
        }
        // The current app is `app`: its JSON provider formats the session
        // (flask.json.dumps) and its MAX_COOKIE_SIZE limits the cookie.
        if !matches!(self.current_app(py)?, Some(current) if current.is(app)) {
            return Ok(Save::Python);
        }
        let session = session.cast::<PyDict>()?;
        let headers = response.getattr(intern!(py, "headers"))?;
        let accessed = session.getattr(intern!(py, "accessed"))?.is_truthy()?;
        if accessed {
            Self::add_vary(py, response, &headers)?;
        }
        if session.is_empty() {
            if session.getattr(intern!(py, "modified"))?.is_truthy()? {
                return Ok(Save::Python);
            }
            return Ok(Save::Done);
        }
        // should_set_cookie
        let modified = session.getattr(intern!(py, "modified"))?.is_truthy()?;
        let set_cookie = modified || (Self::permanent(py, session)? && self.refresh);
        if !set_cookie {
            return Ok(Save::Done);
        }
        // get_expiration_time, formatted as Set-Cookie carries it
        let expires = if Self::permanent(py, session)? {
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
                None => return Ok(Save::Python),
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
            return Ok(Save::Python);
        }
        let add = headers.get_type().getattr(intern!(py, "add"))?;
        // Werkzeug's own `Headers.add` appends the one header and touches
        // nothing else: "Cookie" is still in `Vary` if it was put there above.
        let plain =
            headers.get_type().is(self.headers_class.bind(py)) && add.is(self.headers_add.bind(py));
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
