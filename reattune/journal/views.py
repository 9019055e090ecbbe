import uuid

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from reattune.accounts.http import AuthedRequest
from reattune.core import access
from reattune.core.decorators import partner_required
from reattune.core.request_context import has_vault
from reattune.journal import actions
from reattune.journal.forms import EntryForm
from reattune.journal.models import Entry


def _after_save(request: AuthedRequest, entry: Entry) -> HttpResponse:
    from reattune.core.aftersave import after_save, saved_check

    # The action checked the words it saved; this page only shows the result.
    context = "shared" if entry.visibility == "shared" else "private"
    texts = [(entry.body + "\n" + entry.title, context)]  # for hooks that read the words
    return after_save(request, saved_check(entry), redirect("journal-detail", entry.pk), texts)


@partner_required
def journal(request: AuthedRequest) -> HttpResponse:
    entries = access.owned_by(Entry.objects.all(), request.user)
    space_id = access.active_space_id(request.user)
    context = {"entries": entries, "space_id": space_id, "vault": has_vault(request.user)}
    if context["vault"]:
        # Private entries from before the vault (or moved out, or imported) are readable by
        # whoever runs the server: a person with a vault is told so, with the way in.
        context["outside_vault"] = entries.filter(visibility="private").count()
    return render(request, "journal/list.html", context)


@partner_required
def shared(request: AuthedRequest) -> HttpResponse:
    space_id = access.active_space_id(request.user)
    entries = (
        access.visible_to(Entry.objects.all(), request.user)
        .filter(space_id=space_id, visibility="shared")
        .select_related("author")
    )
    return render(request, "journal/shared.html", {"entries": entries})


def _refused_private(
    request: AuthedRequest,
    form: EntryForm,
    entry: Entry | None,
    refusal: actions.KeepInVault | None = None,
) -> HttpResponse:
    """New private words from a person with a vault: nothing is stored, the words stay in the
    form to be carried to the vault (or shared), and words of crisis still get help at once,
    as a save would have given them (a refusal never costs a person their words or the help)."""
    from reattune.care.support import support_context

    text = form.data.get("body", "") + "\n" + form.data.get("title", "")
    form.add_error(None, str(refusal or actions.KeepInVault()))
    context: dict = {"form": form, "entry": entry, "vault": True, "refused_private": True}
    # "draft": the help's wording says truly that nothing typed here was saved.
    found = support_context(request.user, text, request, "draft")
    if found is not None:
        context.update(found)
    return render(request, "journal/form.html", context, status=409)


def _to_vault(request: AuthedRequest) -> HttpResponse:
    """A private entry from a person with a vault: to the vault's own writing page."""
    messages.info(
        request,
        "Private entries go in your vault now, where only you can read them. Nothing from "
        "that form was kept: write it here, and your browser locks it before it is sent.",
    )
    return redirect("vault-journal")


@partner_required
def entry_new(request: AuthedRequest) -> HttpResponse:
    vault = has_vault(request.user)
    form = EntryForm(request.POST or None, initial={"submit_key": uuid.uuid4()}, vault=vault)
    status = 200
    if request.method == "POST" and vault and request.POST.get("visibility") == "private":
        # The action's rule (refuse_readable_private), applied before the form from what this
        # page already knows, so that even an unfinished private entry is answered.
        if request.POST.get("body", "").strip() or request.POST.get("title", "").strip():
            return _refused_private(request, form, None)
        return _to_vault(request)  # nothing written yet: straight to the vault's page
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry, created = actions.do_create_entry(
                request.user,
                body=data["body"],
                title=data["title"],
                visibility=data["visibility"],
                submit_key=data["submit_key"],
            )
        except actions.KeepInVault:
            return _refused_private(request, form, None)
        except actions.EntryError as error:
            form.add_error(None, str(error))
            status = error.status
        else:
            if created:
                messages.success(request, "Saved.")
            return _after_save(request, entry)
    elif request.method == "POST":
        status = 422
    return render(
        request, "journal/form.html", {"form": form, "entry": None, "vault": vault}, status=status
    )


@partner_required
def entry_detail(request: AuthedRequest, entry_id: int) -> HttpResponse:
    entry = access.get_visible_or_404(
        Entry.objects.select_related("author"), request.user, pk=entry_id
    )
    mine = entry.author_id == request.user.pk
    support = None
    if not mine:
        # The reader of a partner's shared words of crisis is shown how to respond and the lines
        # of their own country; nothing about the author's care data.
        from reattune.care.support import support_for

        text = entry.body + "\n" + entry.title
        support = support_for(request.user, text, request, context="partner")
    return render(
        request,
        "journal/detail.html",
        {
            "entry": entry,
            "mine": mine,
            "support": support,
            "space_id": access.active_space_id(request.user),
            "vault": mine and has_vault(request.user),
        },
    )


@partner_required
def entry_edit(request: AuthedRequest, entry_id: int) -> HttpResponse:
    entry = access.get_own_or_404(Entry.objects.all(), request.user, pk=entry_id)
    initial = {
        "title": entry.title,
        "body": entry.body,
        "visibility": entry.visibility,
        "submit_key": entry.submit_key,
        "version": entry.version,
    }
    vault = has_vault(request.user)
    form = EntryForm(request.POST or None, initial=initial, vault_entry=entry if vault else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = actions.do_update_entry(
                entry,
                body=data["body"],
                title=data["title"],
                visibility=data["visibility"],
                expected_version=data.get("version"),
            )
        except actions.KeepInVault as refusal:
            # The page offers the one step that keeps it from the host: moving it in.
            return _refused_private(request, form, entry, refusal)
        except actions.EntryError as error:
            form.add_error(None, str(error))
            status = error.status
        else:
            messages.success(request, "Saved.")
            return _after_save(request, entry)
    elif request.method == "POST":
        status = 422
    context = {"form": form, "entry": entry, "vault": vault}
    return render(request, "journal/form.html", context, status=status)


@partner_required
@require_POST
def entry_delete(request: AuthedRequest, entry_id: int) -> HttpResponse:
    entry = access.get_own_or_404(Entry.objects.all(), request.user, pk=entry_id)
    actions.do_delete_entry(entry)
    messages.success(request, "Entry deleted.")
    return redirect("journal")
