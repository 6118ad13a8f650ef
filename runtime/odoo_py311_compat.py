"""Compatibility layer that lets Odoo 11.0 run unmodified on Python 3.11.

Odoo 11.0 supports Python 3.5 to 3.7. Later Python releases removed or changed
what it relies on:

* the ABC aliases in ``collections`` (``collections.Mapping`` and the rest),
  removed in Python 3.10 in favour of ``collections.abc``;
* ``inspect.getargspec`` and ``inspect.formatargspec``, removed in 3.11;
* ``base64.encodestring`` and ``base64.decodestring``, removed in 3.9;
* ``yaml.load`` without a ``Loader``, an error since PyYAML 6.0;
* the opcode allow-lists of ``odoo.tools.safe_eval``, which know nothing of
  the 3.11 bytecode (RESUME, PRECALL, CALL, BINARY_OP, ...);
* QWeb, which compiles hand-built ASTs that 3.8+ rejects: ``ast.arguments``
  without ``posonlyargs``, ``ast.Module`` without ``type_ignores``,
  ``Name('None')`` instead of a constant, and line ranges whose end precedes
  their start;
* ``xml.etree.ElementTree.Element.getchildren()``, removed in 3.9, which the
  web client's template loader (``web/controllers/main.py``) calls;
* ``resource.setrlimit`` with float limits, refused since 3.10, which the
  prefork workers of ``--workers`` call.

The installed Odoo files are left untouched. A ``.pth`` file in the virtual
environment imports this module at interpreter start. The module patches the
standard library at once, and each Odoo module right after its first import,
through a meta-path finder. Nothing here belongs to the credit_exposure addon.
"""

import ast
import collections
import collections.abc
import importlib.abc
import importlib.machinery
import os
import sys

_ABC_ALIASES = (
    "Awaitable",
    "Callable",
    "Container",
    "Hashable",
    "ItemsView",
    "Iterable",
    "Iterator",
    "KeysView",
    "Mapping",
    "MappingView",
    "MutableMapping",
    "MutableSequence",
    "MutableSet",
    "Sequence",
    "Set",
    "Sized",
    "ValuesView",
)


def patch_collections(module):
    """Restore the ``collections.<ABC>`` aliases removed in Python 3.10."""
    for name in _ABC_ALIASES:
        if not hasattr(module, name):
            setattr(module, name, getattr(collections.abc, name))


def patch_base64(module):
    """Restore ``encodestring``/``decodestring``, removed in Python 3.9."""
    if not hasattr(module, "encodestring"):
        module.encodestring = module.encodebytes
    if not hasattr(module, "decodestring"):
        module.decodestring = module.decodebytes


def patch_inspect(module):
    """Restore ``getargspec`` and ``formatargspec``, removed in Python 3.11."""
    if hasattr(module, "getargspec"):
        return
    ArgSpec = collections.namedtuple("ArgSpec", "args varargs keywords defaults")

    def getargspec(func):
        spec = module.getfullargspec(func)
        if spec.kwonlyargs or spec.annotations:
            raise ValueError(
                "Function has keyword-only parameters or annotations, "
                "use inspect.signature() instead"
            )
        return ArgSpec(spec.args, spec.varargs, spec.varkw, spec.defaults)

    def formatargspec(
        args,
        varargs=None,
        varkw=None,
        defaults=None,
        kwonlyargs=(),
        kwonlydefaults=None,
        annotations=None,
        formatarg=str,
        formatvarargs=lambda name: "*" + name,
        formatvarkw=lambda name: "**" + name,
        formatvalue=lambda value: "=" + repr(value),
        formatreturns=lambda text: " -> " + text,
        formatannotation=module.formatannotation,
    ):
        annotations = annotations or {}
        kwonlydefaults = kwonlydefaults or {}

        def format_one(name):
            text = formatarg(name)
            if name in annotations:
                text += ": " + formatannotation(annotations[name])
            return text

        parts = []
        first_default = len(args) - len(defaults) if defaults else len(args)
        for index, name in enumerate(args):
            text = format_one(name)
            if defaults and index >= first_default:
                text += formatvalue(defaults[index - first_default])
            parts.append(text)
        if varargs is not None:
            parts.append(formatvarargs(format_one(varargs)))
        elif kwonlyargs:
            parts.append("*")
        for name in kwonlyargs or ():
            text = format_one(name)
            if name in kwonlydefaults:
                text += formatvalue(kwonlydefaults[name])
            parts.append(text)
        if varkw is not None:
            parts.append(formatvarkw(format_one(varkw)))
        result = "(" + ", ".join(parts) + ")"
        if "return" in annotations:
            result += formatreturns(formatannotation(annotations["return"]))
        return result

    module.ArgSpec = ArgSpec
    module.getargspec = getargspec
    module.formatargspec = formatargspec


def patch_yaml(module):
    """Give ``yaml.load`` back its pre-6.0 default loader, ``yaml.Loader``.

    Odoo 11 only loads YAML from module files (tests and data), which it
    already trusts as code, so the full loader is the historical behaviour.
    """
    original_load = module.load
    if getattr(original_load, "_odoo_compat", False):
        return

    def load(stream, Loader=None):
        return original_load(stream, Loader=Loader or module.Loader)

    load._odoo_compat = True
    module.load = load


# Opcodes of CPython 3.8 to 3.11 that express what Odoo 11's allow-lists
# already allow in older bytecode: 3.11 replaced CALL_FUNCTION and CALL_METHOD
# by PRECALL/CALL, the BINARY_*/INPLACE_* family by BINARY_OP, ROT_*/DUP_TOP by
# SWAP/COPY, and the POP_JUMP_IF_* pair by directional variants. No opcode
# that reaches a new capability (imports, attribute writes, closures) is added.
_CONST_OPCODES_NEW = (
    "RESUME",
    "NOP",
    "COPY",
    "SWAP",
    "LIST_EXTEND",
    "SET_UPDATE",
    "LIST_TO_TUPLE",
)
# 3.8+ compiles ``"..%s.." % (a, b)`` with a constant format into FORMAT_VALUE
# and BUILD_STRING, so those two stand for the BINARY_MODULO that 3.7 emitted.
_EXPR_OPCODES_NEW = (
    "BINARY_OP",
    "FORMAT_VALUE",
    "BUILD_STRING",
    "IS_OP",
    "CONTAINS_OP",
    "DICT_MERGE",
    "DICT_UPDATE",
)
_SAFE_OPCODES_NEW = (
    "PUSH_NULL",
    "PRECALL",
    "CALL",
    "KW_NAMES",
    "JUMP_BACKWARD",
    "JUMP_BACKWARD_NO_INTERRUPT",
    "POP_JUMP_FORWARD_IF_FALSE",
    "POP_JUMP_FORWARD_IF_TRUE",
    "POP_JUMP_BACKWARD_IF_FALSE",
    "POP_JUMP_BACKWARD_IF_TRUE",
    "POP_JUMP_FORWARD_IF_NONE",
    "POP_JUMP_BACKWARD_IF_NONE",
    "POP_JUMP_FORWARD_IF_NOT_NONE",
    "POP_JUMP_BACKWARD_IF_NOT_NONE",
    "RETURN_GENERATOR",
    "PUSH_EXC_INFO",
    "CHECK_EXC_MATCH",
    "RERAISE",
)


def _opcodes(names):
    import opcode

    return {opcode.opmap[name] for name in names if name in opcode.opmap}


def patch_safe_eval(module):
    """Extend safe_eval's opcode allow-lists with their 3.8-3.11 equivalents."""
    const_new = _opcodes(_CONST_OPCODES_NEW)
    expr_new = const_new | _opcodes(_EXPR_OPCODES_NEW)
    safe_new = expr_new | _opcodes(_SAFE_OPCODES_NEW)
    # The three sets are module globals that safe_eval() reads at call time,
    # so growing them in place is enough.
    module._CONST_OPCODES.update(const_new)
    module._EXPR_OPCODES.update(expr_new)
    module._SAFE_OPCODES.update(safe_new)


_NAME_CONSTANTS = {"None": None, "True": True, "False": False}
_LIST_FIELDS = {
    "args",
    "body",
    "decorator_list",
    "defaults",
    "elts",
    "keys",
    "keywords",
    "kw_defaults",
    "kwonlyargs",
    "orelse",
    "posonlyargs",
    "type_ignores",
    "values",
}


class _AstModernizer(ast.NodeTransformer):
    """Rewrite a Python 3.5-era hand-built AST into one 3.11 compiles."""

    def generic_visit(self, node):
        for field in node._fields:
            if not hasattr(node, field):
                setattr(node, field, [] if field in _LIST_FIELDS else None)
        return super().generic_visit(node)

    def visit_Name(self, node):
        if node.id in _NAME_CONSTANTS:
            return ast.copy_location(ast.Constant(_NAME_CONSTANTS[node.id]), node)
        return self.generic_visit(node)


def modernize_ast(tree):
    """Return ``tree`` fixed for ``compile()`` on Python 3.8 and later."""
    tree = _AstModernizer().visit(tree)
    ast.fix_missing_locations(tree)
    # QWeb sets ``lineno`` on some nodes after their children were placed, so
    # an end position can precede its start. Collapse each range to its start.
    for node in ast.walk(tree):
        if "lineno" in node._attributes:
            node.end_lineno = node.lineno
            node.end_col_offset = node.col_offset
    return tree


def _compile_modern(source, filename, mode, *args, **kwargs):
    if isinstance(source, ast.AST):
        source = modernize_ast(source)
    return compile(source, filename, mode, *args, **kwargs)


def patch_qweb(module):
    """Route QWeb's ``compile()`` of generated ASTs through modernize_ast."""
    module.compile = _compile_modern


def patch_web_controllers(module):
    """Replace ``concat_xml``, which calls ``Element.getchildren()`` (gone in 3.9).

    The replacement does the same work, iterating over the element instead.
    The web client loads its QWeb templates through it.
    """
    import hashlib
    import logging
    from xml.etree import ElementTree

    logger = logging.getLogger(module.__name__)

    def concat_xml(file_list):
        checksum = hashlib.new("sha1")
        if not file_list:
            return "", checksum.hexdigest()
        root = None
        for fname in file_list:
            with open(fname, "rb") as fp:
                checksum.update(fp.read())
                fp.seek(0)
                try:
                    xml = ElementTree.parse(fp).getroot()
                except ElementTree.ParseError as e:
                    logger.error("Could not parse file %s: %s", fname, e.msg)
                    raise
            if root is None:
                root = ElementTree.Element(xml.tag)
            for child in list(xml):
                root.append(child)
        return ElementTree.tostring(root, "utf-8"), checksum.hexdigest()

    module.concat_xml = concat_xml


class _IntegerRlimits(object):
    """Proxy of the ``resource`` module whose setrlimit() takes float limits."""

    def __init__(self, module):
        self._module = module

    def setrlimit(self, limit, values):
        soft, hard = values
        return self._module.setrlimit(limit, (int(soft), int(hard)))

    def __getattr__(self, name):
        return getattr(self._module, name)


def patch_server(module):
    """Let the prefork workers set their CPU time limit on Python 3.10+.

    A worker computes its RLIMIT_CPU as used CPU seconds (a float) plus
    limit_time_cpu, and ``resource.setrlimit`` accepts only integers since
    Python 3.10, so every worker of ``--workers`` died at its first request.
    """
    if hasattr(module, "resource"):
        module.resource = _IntegerRlimits(module.resource)


_PATCHES = {
    "base64": patch_base64,
    "collections": patch_collections,
    "inspect": patch_inspect,
    "yaml": patch_yaml,
    "odoo.tools.safe_eval": patch_safe_eval,
    "odoo.addons.base.ir.ir_qweb.qweb": patch_qweb,
    "odoo.addons.web.controllers.main": patch_web_controllers,
    "odoo.service.server": patch_server,
}


class _PatchingLoader(importlib.abc.Loader):
    def __init__(self, loader, patch):
        self._loader = loader
        self._patch = patch

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        self._patch(module)

    def __getattr__(self, name):
        return getattr(self._loader, name)


class _PatchingFinder(importlib.abc.MetaPathFinder):
    """Apply the patch of a listed module right after its first import."""

    def find_spec(self, fullname, path, target=None):
        patch = _PATCHES.get(fullname)
        if patch is None:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = _PatchingLoader(spec.loader, patch)
                return spec
        return None


def install():
    """Patch what is already imported and hook the rest."""
    for name, patch in _PATCHES.items():
        if name in sys.modules:
            patch(sys.modules[name])
    if not any(isinstance(finder, _PatchingFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _PatchingFinder())


if sys.version_info >= (3, 8) and os.environ.get("CREDIT_COMPAT") != "off":
    install()
