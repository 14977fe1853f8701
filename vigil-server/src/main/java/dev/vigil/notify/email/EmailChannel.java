package dev.vigil.notify.email;

import dev.vigil.notify.ChannelSettings;
import dev.vigil.notify.ConfiguredChannel;
import dev.vigil.notify.Delivery;
import dev.vigil.notify.Markup;
import dev.vigil.notify.Notification;
import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.util.List;
import java.util.Properties;

/**
 * E-mail over SMTP (Angus Mail), with STARTTLS and authentication when configured. Each mail has a
 * text/plain part and an HTML part whose outside text is escaped ({@link Markup#HTML}). Mails
 * about one incident thread: each transition's {@code Message-ID} is stable
 * ({@code <incident-id.transition@domain of from>}, so a redelivery is recognisably the same
 * mail), and acknowledge and resolve mails answer the trigger mail ({@code In-Reply-To},
 * {@code References}).
 */
public final class EmailChannel extends ConfiguredChannel {
    /**
     * @param smtpPort 587 unless set
     * @param username with {@code password}, SMTP authentication; none means none
     * @param starttls require STARTTLS
     */
    public record Config(String smtpHost, Integer smtpPort, String from, List<String> to, String username, String password,
                         Boolean starttls) {
        public Config {
            to = to == null ? List.of() : List.copyOf(to);
        }

        @Override
        public String toString() {
            return "EmailChannel.Config[smtp_host=" + smtpHost + ", from=" + from + ", to=" + to + ", password=***]";
        }
    }

    private final Config config;
    private final Session session;
    /** The right-hand side of Message-IDs: the sender's domain, which is Vigil's to name mails in. */
    private final String domain;

    public EmailChannel(String name, ChannelSettings settings, Config config) {
        super(name, settings);
        this.config = config;
        if (config.smtpHost() == null || config.from() == null || config.to().isEmpty()) {
            throw new IllegalArgumentException("channels." + name + ": an email channel needs smtp_host, from and to");
        }
        int at = config.from().lastIndexOf('@');
        this.domain = at < 0 || at == config.from().length() - 1 ? "vigil" : config.from().substring(at + 1).replace(">", "").trim();
        Properties p = new Properties();
        p.put("mail.smtp.host", config.smtpHost());
        p.put("mail.smtp.port", String.valueOf(config.smtpPort() == null ? 587 : config.smtpPort()));
        p.put("mail.smtp.starttls.enable", String.valueOf(Boolean.TRUE.equals(config.starttls())));
        p.put("mail.smtp.starttls.required", String.valueOf(Boolean.TRUE.equals(config.starttls())));
        p.put("mail.smtp.auth", String.valueOf(config.username() != null));
        String millis = String.valueOf(settings.timeout().toMillis());
        p.put("mail.smtp.connectiontimeout", millis);
        p.put("mail.smtp.timeout", millis);
        p.put("mail.smtp.writetimeout", millis);
        this.session = config.username() == null ? Session.getInstance(p) : Session.getInstance(p, new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                return new PasswordAuthentication(config.username(), config.password());
            }
        });
    }

    /** The stable Message-ID of an incident's mail; null (the mailer makes one up) for digests. */
    private String messageId(Notification n) {
        if (n.incident() == null) return null;
        return id(n.incident().id(), n.kind() == Notification.Kind.TICKET ? "ticket" : n.transition());
    }

    private String id(String incident, String transition) {
        return "<" + incident + "." + transition + "@" + domain + ">";
    }

    private static MimeMultipart parts(Notification n) throws MessagingException {
        MimeBodyPart text = new MimeBodyPart();
        text.setText(n.body(), "UTF-8");
        MimeBodyPart html = new MimeBodyPart();
        html.setText("<!DOCTYPE html><html><body><p><strong>" + n.headline(Markup.HTML) + "</strong></p><p>"
                + n.body(Markup.HTML) + "</p></body></html>", "UTF-8", "html");
        // Alternatives go from the plainest to the richest: a client shows the last it can.
        return new MimeMultipart("alternative", text, html);
    }

    /** A message that keeps the Message-ID it was given; JavaMail otherwise makes up a new one on every send. */
    private static final class Threaded extends MimeMessage {
        private final String messageId;

        Threaded(Session session, String messageId) {
            super(session);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            if (messageId == null) super.updateMessageID();
            else setHeader("Message-ID", messageId);
        }
    }

    public Delivery deliver(Notification n) {
        try {
            MimeMessage m = new Threaded(session, messageId(n));
            m.setFrom(new InternetAddress(config.from()));
            for (String to : config.to()) m.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
            m.setSubject("[Vigil] " + n.headline(), "UTF-8");
            if (n.kind() == Notification.Kind.INCIDENT && !"triggered".equals(n.transition())) {
                String trigger = id(n.incident().id(), "triggered");
                m.setHeader("In-Reply-To", trigger);
                m.setHeader("References", trigger);
            }
            m.setContent(parts(n));
            Transport.send(m);
            return Delivery.delivered("sent to " + config.to().size() + " recipient(s)");
        } catch (SendFailedException e) {
            return Delivery.fail("refused: " + e.getMessage());
        } catch (MessagingException e) {
            return Delivery.retry("SMTP: " + e.getMessage());
        }
    }
}
