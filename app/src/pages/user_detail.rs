//! `/p/{project}/users/{id}`: one member's profile, memberships, effective permissions,
//! active sessions and activity, with the same actions as the table's row menu.
use super::user_actions::{guard_text, Actions, Dialog, UserDialogs};
use crate::api::{get_user, invite_user, project_directory, user_activity_html};
use crate::components::status_badge;
use crate::components::{ServerHtml, SessionsTable};
use crate::i18n::{fill, Strings, EN};
use crate::model::time::{format_utc, relative};
use crate::model::{AppError, Guard, InviteForm, Language, Permission, Status, UserDetail, Viewer};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn UserDetailPage() -> impl IntoView {
    let d = super::detail_text::current();
    let s: &'static Strings = use_context::<&'static Strings>().unwrap_or(&EN);
    let viewer = use_context::<Viewer>();
    let lang = viewer.as_ref().map(|v| v.language).unwrap_or_default();
    let params = use_params_map();
    let query = use_query_map();
    let slug = Memo::new(move |_| params.read().get("project").unwrap_or_default());
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    });
    let activity_page = Memo::new(move |_| {
        query
            .read()
            .get("activity")
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(1)
            .max(1)
    });
    let detail = crate::codec::resource(move || (slug.get(), id.get()), |(p, id)| get_user(p, id));
    // The activity is rendered by the server (`user_activity_html`): a table and page links.
    let activity = crate::codec::server_html(
        move || (slug.get(), id.get(), activity_page.get()),
        |(p, id, page)| user_activity_html(p, id, page),
    );
    let actions = Actions::new(
        s,
        slug,
        viewer,
        Callback::new(move |_| {
            detail.refetch();
            activity.refetch();
        }),
    );
    let back = move || format!("/p/{}/users", slug.get());

    let body = {
        let actions = actions.clone();
        view! {
            <Transition fallback=move || view! { <p class="muted">{s.loading}</p> }>
                {
                    let actions = actions.clone();
                    move || {
                        let actions = actions.clone();
                        Suspend::new(async move {
                            match detail.await {
                                Ok(u) => view! { <Detail s=s lang=lang user=u actions=actions /> }.into_any(),
                                Err(e) => view! {
                                    <div class="error-state" role="alert">
                                        <p>{d.user_failed}" "{e.to_string()}</p>
                                        <a class="button" href=back()>{d.back_to_users}</a>
                                    </div>
                                }
                                .into_any(),
                            }
                        })
                    }
                }
            </Transition>
        }
        .into_any()
    };
    let activity_view = view! {
        <section class="card" aria-labelledby="activity-heading">
            <h2 id="activity-heading">{d.activity}</h2>
            <Transition fallback=move || view! { <p class="muted">{s.loading}</p> }>
                {move || Suspend::new(async move { view! { <ServerHtml html=activity.await /> } })}
            </Transition>
        </section>
    }
    .into_any();

    view! {
        <p class="breadcrumb"><a href=back>{"← "}{d.back_to_users}</a></p>
        {body}
        {activity_view}
        <UserDialogs actions=actions />
    }
}

#[component]
fn Detail(
    s: &'static Strings,
    lang: Language,
    user: UserDetail,
    actions: Actions,
) -> impl IntoView {
    let d = super::detail_text::current();
    let can = actions.can.get_untracked();
    let id = user.id;
    let email = user.email.clone();
    let title = if user.name().is_empty() {
        user.email.clone()
    } else {
        user.name()
    };
    let as_of = user.as_of;
    let time = move |ms: Option<i64>| match ms {
        Some(ms) => {
            view! { <time title=format_utc(ms)>{relative(ms, as_of, lang)}</time> }.into_any()
        }
        None => view! { <span class="muted">{s.never}</span> }.into_any(),
    };
    let guard_note = user.guard.map(|g| guard_text(s, g));
    let dialog = actions.dialog;
    let open = move |d: Dialog| move |_| dialog.set(Some(d.clone()));
    let mut buttons = Vec::new();
    if can.invite && user.status == Status::Invited {
        let a = actions.clone();
        buttons.push(
            view! {
                <button type="button" class="button" on:click=move |_| a.resend_invitation(id)>
                    {s.resend_invitation}
                </button>
            }
            .into_any(),
        );
        buttons.push(
            view! {
                <button type="button" class="button danger" on:click=open(Dialog::CancelInvitation { id, email: email.clone() })>
                    {s.cancel_invitation}
                </button>
            }
            .into_any(),
        );
    }
    if can.update && user.status != Status::Invited {
        buttons.push(
            view! {
                <button type="button" class="button" on:click=open(Dialog::Edit { id, email: email.clone() })>
                    {s.edit}
                </button>
            }
            .into_any(),
        );
    }
    if can.deactivate && user.status == Status::Active {
        buttons.push(
            view! {
                <button
                    type="button"
                    class="button"
                    disabled=guard_note.is_some()
                    aria-describedby=guard_note.map(|_| "guard-note")
                    on:click=open(Dialog::Deactivate { id, email: email.clone() })
                >
                    {s.deactivate}
                </button>
            }
            .into_any(),
        );
    }
    if can.update && user.status == Status::Active {
        let a = actions.clone();
        buttons.push(
            view! {
                <button type="button" class="button" on:click=move |_| a.send_reset(id)>
                    {s.send_password_reset}
                </button>
            }
            .into_any(),
        );
    }
    if can.update && user.status == Status::Active && user.guard != Some(Guard::OwnAccount) {
        buttons.push(
            view! {
                <button type="button" class="button" on:click=open(Dialog::TempPassword { id, email: email.clone() })>
                    {s.set_temporary_password}
                </button>
            }
            .into_any(),
        );
    }
    if can.update && user.two_factor {
        let a = actions.clone();
        buttons.push(
            view! {
                <button type="button" class="button" on:click=move |_| a.reset_two_factor(id)>
                    {d.reset_two_factor}
                </button>
            }
            .into_any(),
        );
    }
    if can.update && user.email_verified_at.is_none() && user.invitation.is_none() {
        let a = actions.clone();
        buttons.push(
            view! {
                <button type="button" class="button" on:click=move |_| a.send_verification(id)>
                    {d.send_verification}
                </button>
            }
            .into_any(),
        );
    }
    if can.deactivate && user.status == Status::Inactive {
        let a = actions.clone();
        let e = email.clone();
        buttons.push(
            view! {
                <button type="button" class="button" on:click=move |_| a.reactivate(id, e.clone())>
                    {s.reactivate}
                </button>
            }
            .into_any(),
        );
    }
    if can.delete && user.status != Status::Invited {
        buttons.push(
            view! {
                <button
                    type="button"
                    class="button danger"
                    disabled=guard_note.is_some()
                    aria-describedby=guard_note.map(|_| "guard-note")
                    on:click=open(Dialog::Remove { id, email: email.clone() })
                >
                    {s.remove_from_project}
                </button>
            }
            .into_any(),
        );
    }
    if can.delete && user.status == Status::Inactive {
        buttons.push(
            view! {
                <button
                    type="button"
                    class="button danger"
                    disabled=guard_note.is_some()
                    aria-describedby=guard_note.map(|_| "guard-note")
                    on:click=open(Dialog::Delete { id, email: email.clone() })
                >
                    {s.delete}
                </button>
            }
            .into_any(),
        );
    }

    // Each membership opens this person's page in that project, where its role, groups and
    // removal are managed (with that project's permissions).
    let memberships = user
        .memberships
        .iter()
        .map(|m| {
            let invited = (m.status == Status::Invited).then(|| view! { " " {status_badge(s, Status::Invited)} });
            view! {
                <tr>
                    <td><a href=format!("/p/{}/users/{}", m.project_slug, id)>{m.project_name.clone()}</a>{invited}</td>
                    <td>{m.role.clone()}</td>
                    <td class="muted">{if m.groups.is_empty() { "—".to_string() } else { m.groups.join(", ") }}</td>
                    <td>{time(Some(m.joined_at))}</td>
                </tr>
            }
        })
        .collect_view();
    let add_to_project = view! {
        <AddToProject
            s=s
            email=user.email.clone()
            member_of=user.memberships.iter().map(|m| m.project_slug.clone()).collect()
            changed=actions.changed
        />
    };
    let permissions = if user.permissions.is_empty() {
        view! { <p class="muted">{d.no_permissions}</p> }.into_any()
    } else {
        view! {
            <ul class="chips">
                {user.permissions.iter().map(|p| view! { <li class="badge mono">{p.clone()}</li> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    let sessions = if user.sessions.is_empty() {
        view! { <p class="muted">{d.no_sessions}</p> }.into_any()
    } else {
        let a = actions.clone();
        let revoke = can
            .revoke
            .then(|| Callback::new(move |sid| a.revoke(id, Some(sid))));
        view! { <SessionsTable sessions=user.sessions.clone() lang=lang own=false revoke=revoke as_of=as_of /> }.into_any()
    };
    let consents = (!user.consents.is_empty()).then(|| {
        let items = user
            .consents
            .iter()
            .map(|c| {
                let mut links = Vec::new();
                if !c.terms_url.is_empty() {
                    links.push(format!("{} ({})", d.terms, c.terms_url));
                }
                if !c.privacy_url.is_empty() {
                    links.push(format!("{} ({})", d.privacy_policy, c.privacy_url));
                }
                let line = fill(
                    d.consent_line,
                    &[
                        ("links", &links.join(", ")),
                        ("project", &c.project_name),
                        ("ip", &c.ip),
                    ],
                );
                view! { <li>{line}" · "{time(Some(c.at))}</li> }
            })
            .collect_view();
        view! {
            <section class="card" aria-labelledby="consents-heading">
                <h2 id="consents-heading">{d.consents}</h2>
                <ul class="plain-list">{items}</ul>
            </section>
        }
    });
    let invitation_card = user.invitation.clone().map(|info| {
        view! { <super::invitations::InvitationCard s=s lang=lang info=info as_of=as_of /> }
    });
    let revoke_all = (can.revoke && !user.sessions.is_empty()).then(|| {
        let a = actions.clone();
        view! {
            <button type="button" class="button" on:click=move |_| a.revoke_all(id)>{d.revoke_all}</button>
        }
    });

    view! {
        <Title text=format!("{title} · Roster") />
        <div class="page-header">
            <div>
                <h1>{title.clone()}" "{status_badge(s, user.status)}</h1>
                <p class="muted">{user.email.clone()}</p>
            </div>
            <div class="page-actions">{buttons}</div>
        </div>
        {guard_note.map(|n| view! { <p class="note" id="guard-note">{n}</p> })}
        <div class="detail-grid">
            <section class="card" aria-labelledby="profile-heading">
                <h2 id="profile-heading">{d.profile}</h2>
                <dl class="details">
                    <dt>{s.email}</dt>
                    <dd>{user.email.clone()}</dd>
                    <dt>{s.first_name}</dt>
                    <dd>{user.first_name.clone()}</dd>
                    <dt>{s.last_name}</dt>
                    <dd>{user.last_name.clone()}</dd>
                    <dt>{s.phone}</dt>
                    <dd>{user.phone.clone().unwrap_or_else(|| "—".into())}</dd>
                    <dt>{d.email_verified}</dt>
                    <dd>
                        {match user.email_verified_at {
                            Some(at) => time(Some(at)).into_any(),
                            None => view! { <span class="muted">{d.not_verified}</span> }.into_any(),
                        }}
                    </dd>
                    <dt>{d.two_factor}</dt>
                    <dd>{if user.two_factor { d.state_on } else { d.state_off }}</dd>
                    <dt>{s.status}</dt>
                    <dd>{status_badge(s, user.status)}</dd>
                    <dt>{s.role}</dt>
                    <dd>{user.role.clone()}</dd>
                    <dt>{s.groups}</dt>
                    <dd>{if user.groups.is_empty() { "—".to_string() } else { user.groups.join(", ") }}</dd>
                    <dt>{d.joined}</dt>
                    <dd>{time(Some(user.created_at))}</dd>
                    <dt>{s.col_last_sign_in}</dt>
                    <dd>{time(user.last_sign_in_at)}</dd>
                    <dt>{s.metadata}</dt>
                    <dd><pre class="mono metadata">{user.metadata.clone()}</pre></dd>
                </dl>
            </section>
            <div class="detail-side">
                {invitation_card}
                {consents}
                <section class="card" aria-labelledby="permissions-heading">
                    <h2 id="permissions-heading">{d.effective_permissions}</h2>
                    {permissions}
                </section>
                <section class="card" aria-labelledby="memberships-heading">
                    <h2 id="memberships-heading">{d.memberships}</h2>
                    <div class="table-scroll">
                        <table class="table">
                            <thead>
                                <tr>
                                    <th scope="col">{s.project}</th>
                                    <th scope="col">{s.role}</th>
                                    <th scope="col">{s.groups}</th>
                                    <th scope="col">{d.joined}</th>
                                </tr>
                            </thead>
                            <tbody>{memberships}</tbody>
                        </table>
                    </div>
                    {add_to_project}
                </section>
            </div>
        </div>
        <section class="card" aria-labelledby="sessions-heading">
            <div class="label-row">
                <h2 id="sessions-heading">{d.active_sessions}</h2>
                {revoke_all}
            </div>
            {sessions}
        </section>
    }
    .into_any()
}

/// "Add to project": invites the person to another project the viewer may invite to, with a
/// role of that project (the invitation machinery: they join when they accept).
#[component]
fn AddToProject(
    s: &'static Strings,
    email: String,
    member_of: Vec<String>,
    changed: Callback<()>,
) -> impl IntoView {
    let d = super::detail_text::current();
    let candidates: Vec<(String, String)> = use_context::<Viewer>()
        .map(|v| {
            v.projects
                .iter()
                .filter(|p| p.can(Permission::UsersInvite) && !member_of.contains(&p.slug))
                .map(|p| (p.slug.clone(), p.name.clone()))
                .collect()
        })
        .unwrap_or_default();
    if candidates.is_empty() {
        return ().into_any();
    }
    let toaster = crate::components::use_toaster();
    let project = RwSignal::new(String::new());
    let role = RwSignal::new("end_user".to_string());
    let err = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let roles = crate::codec::resource(
        move || project.get(),
        |slug| async move {
            if slug.is_empty() {
                Ok(Default::default())
            } else {
                project_directory(slug).await
            }
        },
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let target = project.get_untracked();
        if busy.get_untracked() || target.is_empty() {
            return;
        }
        busy.set(true);
        err.set(None);
        let form = InviteForm {
            email: email.clone(),
            role: role.get_untracked(),
            groups: Vec::new(),
            message: String::new(),
        };
        leptos::task::spawn_local(async move {
            let result = invite_user(target, form).await;
            busy.set(false);
            match result {
                Ok(invited) => {
                    toaster.success(fill(s.t_invitation_sent, &[("email", &invited.email)]));
                    project.set(String::new());
                    changed.run(());
                }
                Err(e) => err.set(Some(e)),
            }
        });
    };
    view! {
        <form class="form add-to-project" on:submit=submit>
            <h3>{d.add_to_project}</h3>
            <p class="small muted">{d.add_to_project_lead}</p>
            <div class="form-row">
                <div class="field">
                    <label for="add-project">{s.project}</label>
                    <select id="add-project" on:change=move |ev| project.set(event_target_value(&ev)) prop:value=move || project.get()>
                        <option value="">{d.choose_project}</option>
                        {candidates.into_iter().map(|(slug, name)| view! { <option value=slug>{name}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="add-role">{s.role}</label>
                    <select id="add-role" on:change=move |ev| role.set(event_target_value(&ev)) disabled=move || project.with(String::is_empty)>
                        <Transition fallback=|| ()>
                            {move || Suspend::new(async move {
                                let names = roles.await.map(|d| d.roles).unwrap_or_default();
                                names
                                    .into_iter()
                                    .map(|n| {
                                        let selected = n == role.get_untracked();
                                        let label = n.clone();
                                        view! { <option value=n selected=selected>{label}</option> }
                                    })
                                    .collect_view()
                            })}
                        </Transition>
                    </select>
                </div>
            </div>
            {move || err.get().map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
            <button type="submit" class="button" disabled=move || busy.get() || project.with(String::is_empty)>
                {d.add_to_project}
            </button>
        </form>
    }
    .into_any()
}
