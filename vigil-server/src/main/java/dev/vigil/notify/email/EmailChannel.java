package dev.vigil.notify.email;

import dev.vigil.notify.ChannelSettings;
import dev.vigil.notify.ConfiguredChannel;
import dev.vigil.notify.Delivery;
import dev.vigil.notify.Notification;
import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.List;
import java.util.Properties;

/** E-mail over SMTP (Angus Mail), with STARTTLS and authentication when configured. */
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

    public EmailChannel(String name, ChannelSettings settings, Config config) {
        super(name, settings);
        this.config = config;
        if (config.smtpHost() == null || config.from() == null || config.to().isEmpty()) {
            throw new IllegalArgumentException("channels." + name + ": an email channel needs smtp_host, from and to");
        }
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

    public Delivery deliver(Notification n) {
        try {
            MimeMessage m = new MimeMessage(session);
            m.setFrom(new InternetAddress(config.from()));
            for (String to : config.to()) m.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
            m.setSubject("[Vigil] " + n.headline(), "UTF-8");
            m.setText(n.body(), "UTF-8");
            Transport.send(m);
            return Delivery.delivered("sent to " + config.to().size() + " recipient(s)");
        } catch (SendFailedException e) {
            return Delivery.fail("refused: " + e.getMessage());
        } catch (MessagingException e) {
            return Delivery.retry("SMTP: " + e.getMessage());
        }
    }
}
