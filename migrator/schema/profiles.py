"""Profiles: the standard's own rules by default, a stricter set of checks when a municipality asks for one.

A standard schema says what the specification requires (each item's ``basis`` names the section), and may
declare named profiles that tighten it: more items that must not be blank, check digits on existing numbers.
:func:`apply_profile` gives the schema as seen under one profile; the ``standard`` profile is the schema itself.
"""

from __future__ import annotations

from dataclasses import replace

from migrator.errors import InputError
from migrator.i18n import join_list
from migrator.schema.model import STANDARD_PROFILE, Item, Profile, Schema, Table


def profile_names(schema: Schema) -> tuple[str, ...]:
    """The profiles a schema offers, ``standard`` first."""
    return (STANDARD_PROFILE, *schema.profiles)


def apply_profile(schema: Schema, name: str = STANDARD_PROFILE) -> Schema:
    """Return ``schema`` as checked under profile ``name``.

    Under ``standard`` nothing changes: a check that the specification applies to newly assigned numbers
    only (``checks_new_numbers``) is not run on migrated data. A profile adds its required items and its
    checks (those listed also under ``checks_new_numbers`` become checks of existing numbers too).

    Raises:
        InputError: the schema offers no profile of that name (the message lists those it offers).
    """
    if name == STANDARD_PROFILE:
        return schema
    profile = schema.profiles.get(name)
    if profile is None:
        known = profile_names(schema)
        raise InputError(f"Schema {schema.id} has no profile {name!r} (known: {join_list(known, 'en')}).",
                         f"スキーマ {schema.id} にプロファイル {name!r} はありません(あるもの: {join_list(known, 'ja')})。")
    return replace(schema, tables=tuple(_table(t, profile) for t in schema.tables), profile=name)


def _table(table: Table, profile: Profile) -> Table:
    required = {r.partition(".")[2] for r in profile.required if r.partition(".")[0] == table.name}
    checks: dict[str, tuple[str, ...]] = {}
    for target, names in profile.checks:
        t, _, item = target.partition(".")
        if t == table.name:
            checks[item] = checks.get(item, ()) + names
    return replace(table, items=tuple(_item(i, i.name in required, checks.get(i.name, ())) for i in table.items))


def _item(item: Item, required: bool, checks: tuple[str, ...]) -> Item:
    if not required and not checks:
        return item
    added = tuple(c for c in checks if c not in item.checks)
    basis = dict(item.basis)
    if required and not item.required:
        basis["required"] = "profile"
    if added:
        basis["checks"] = "profile"
    return replace(item, required=item.required or required, checks=item.checks + added,
                   new_number_checks=tuple(c for c in item.new_number_checks if c not in added),
                   basis=tuple(basis.items()))
